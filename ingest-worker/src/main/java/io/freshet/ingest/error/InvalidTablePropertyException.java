package io.freshet.ingest.error;

/** A table property with a value Freshet cannot use: partitioning, format, bad record or data loss policy. */
public final class InvalidTablePropertyException
        extends IngestException
{
    public InvalidTablePropertyException(String message)
    {
        super(Kind.INVALID_TABLE_PROPERTY, message, null);
    }

    public InvalidTablePropertyException(String message, Throwable cause)
    {
        super(Kind.INVALID_TABLE_PROPERTY, message, cause);
    }
}

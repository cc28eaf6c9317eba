package io.freshet.ingest.error;

/** A schema or table name that cannot become a directory of the table location. */
public final class InvalidNameException
        extends IngestException
{
    public InvalidNameException(String message)
    {
        super(Kind.INVALID_NAME, message, null);
    }

    public InvalidNameException(String message, Throwable cause)
    {
        super(Kind.INVALID_NAME, message, cause);
    }
}

package io.freshet.ingest.error;

/** A schema change Freshet cannot ingest into, made through Freshet or by another engine. */
public final class InvalidSchemaChangeException
        extends IngestException
{
    public InvalidSchemaChangeException(String message)
    {
        super(Kind.INVALID_SCHEMA_CHANGE, message, null);
    }

    public InvalidSchemaChangeException(String message, Throwable cause)
    {
        super(Kind.INVALID_SCHEMA_CHANGE, message, cause);
    }
}

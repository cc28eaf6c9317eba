package io.freshet.ingest.error;

/** A schema change Freshet cannot ingest into, made through Freshet or by another engine. */
public final class InvalidSchemaChangeException
        extends IngestException
{
    public InvalidSchemaChangeException(String message)
    {
        super(message);
    }

    public InvalidSchemaChangeException(String message, Throwable cause)
    {
        super(message, cause);
    }
}

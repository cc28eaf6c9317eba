package io.freshet.ingest.error;

/** A column that Freshet cannot ingest: a name reserved for the Kafka metadata columns, or a type the hot buffer cannot hold. */
public final class UnsupportedColumnException
        extends IngestException
{
    public UnsupportedColumnException(String message)
    {
        super(Kind.UNSUPPORTED_COLUMN, message, null);
    }

    public UnsupportedColumnException(String message, Throwable cause)
    {
        super(Kind.UNSUPPORTED_COLUMN, message, cause);
    }
}

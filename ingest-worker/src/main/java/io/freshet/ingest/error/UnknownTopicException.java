package io.freshet.ingest.error;

/** A table names a Kafka topic that the brokers do not have. */
public final class UnknownTopicException
        extends IngestException
{
    public UnknownTopicException(String message)
    {
        super(message);
    }

    public UnknownTopicException(String message, Throwable cause)
    {
        super(message, cause);
    }
}

package io.freshet.ingest.error;

/** A table names a Kafka topic that the brokers do not have. */
public final class UnknownTopicException
        extends IngestException
{
    public UnknownTopicException(String message)
    {
        super(Kind.UNKNOWN_TOPIC, message, null);
    }

    public UnknownTopicException(String message, Throwable cause)
    {
        super(Kind.UNKNOWN_TOPIC, message, cause);
    }
}

package io.freshet.ingest.consumer;

/** A table names a Kafka topic that the brokers do not have. */
public class UnknownTopicException
        extends IllegalArgumentException
{
    public UnknownTopicException(String message)
    {
        super(message);
    }
}

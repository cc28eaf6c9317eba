package io.freshet.ingest.error;

/** Kafka could not be reached, or did not answer, with the connector's client settings. */
public final class KafkaUnavailableException
        extends IngestException
{
    public KafkaUnavailableException(String message)
    {
        super(Kind.KAFKA_UNAVAILABLE, message, null);
    }

    public KafkaUnavailableException(String message, Throwable cause)
    {
        super(Kind.KAFKA_UNAVAILABLE, message, cause);
    }
}

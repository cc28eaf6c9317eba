package io.freshet.ingest.consumer;

/** Messages of Kafka client errors. */
public final class KafkaErrors
{
    private KafkaErrors() {}

    /** The innermost message of a Kafka client error: the outer ones only say that a client could not be created. */
    public static String rootCauseMessage(Throwable throwable)
    {
        Throwable cause = throwable;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}

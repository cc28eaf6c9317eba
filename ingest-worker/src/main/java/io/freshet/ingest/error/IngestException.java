package io.freshet.ingest.error;

/**
 * A failure of the ingest worker that its caller can act on. Each subclass names one kind of failure, and its message
 * says what to do; the connector maps each kind to one error code in one place. Failures that are bugs stay
 * {@link IllegalStateException}s.
 */
public abstract sealed class IngestException
        extends RuntimeException
        permits InvalidNameException, InvalidSchemaChangeException, InvalidTablePropertyException, InvalidUpkeepArgumentException,
        KafkaUnavailableException, NotFreshetTableException, TransactionLogException, UnknownTopicException, UnsupportedColumnException
{
    protected IngestException(String message)
    {
        super(message);
    }

    protected IngestException(String message, Throwable cause)
    {
        super(message, cause);
    }
}

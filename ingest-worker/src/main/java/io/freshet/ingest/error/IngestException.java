package io.freshet.ingest.error;

import static java.util.Objects.requireNonNull;

/**
 * A failure of the ingest worker that its caller can act on. Each subclass names one {@link Kind} of failure, and
 * its message says what to do; the connector maps each kind to one error code in one place. Failures that are bugs
 * stay {@link IllegalStateException}s.
 */
public abstract class IngestException
        extends RuntimeException
{
    /** The kinds of failure, one per subclass: a switch over them is exhaustive, so a new kind needs its error code. */
    public enum Kind
    {
        INVALID_NAME,
        INVALID_SCHEMA_CHANGE,
        INVALID_TABLE_PROPERTY,
        INVALID_UPKEEP_ARGUMENT,
        KAFKA_UNAVAILABLE,
        NOT_FRESHET_TABLE,
        TRANSACTION_LOG,
        UNKNOWN_TOPIC,
        UNSUPPORTED_COLUMN,
    }

    private final Kind kind;

    protected IngestException(Kind kind, String message, Throwable cause)
    {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }
}

package io.freshet.ingest.error;

/** An argument of an upkeep task that would put the table at risk, such as an orphan file retention under 1h. */
public final class InvalidUpkeepArgumentException
        extends IngestException
{
    public InvalidUpkeepArgumentException(String message)
    {
        super(Kind.INVALID_UPKEEP_ARGUMENT, message, null);
    }

    public InvalidUpkeepArgumentException(String message, Throwable cause)
    {
        super(Kind.INVALID_UPKEEP_ARGUMENT, message, cause);
    }
}

package io.freshet.ingest.error;

/** An argument of an upkeep task that would put the table at risk, such as an orphan file retention under 1h. */
public final class InvalidUpkeepArgumentException
        extends IngestException
{
    public InvalidUpkeepArgumentException(String message)
    {
        super(message);
    }

    public InvalidUpkeepArgumentException(String message, Throwable cause)
    {
        super(message, cause);
    }
}

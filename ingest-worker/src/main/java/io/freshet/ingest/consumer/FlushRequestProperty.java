package io.freshet.ingest.consumer;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The table property through which a flush is asked of every node that ingests a table: {@code CALL system.flush}
 * on a cluster writes a new value, and each owner flushes what it holds once the ingest loop sees the value change
 * (it refreshes the table every few seconds). Table discovery ignores it, so a request never restarts ingestion.
 */
public final class FlushRequestProperty
{
    public static final String NAME = "freshet.flush-request";

    private String answered;

    /** Starts from the table's current value: a request made before this ingester started is not its to answer. */
    FlushRequestProperty(Map<String, String> tableProperties)
    {
        this.answered = tableProperties.get(NAME);
    }

    /** Whether the table's properties carry a request this ingester has not answered yet; answers it. */
    boolean takeNewRequest(Map<String, String> tableProperties)
    {
        String current = tableProperties.get(NAME);
        if (current == null || Objects.equals(current, answered)) {
            return false;
        }
        answered = current;
        return true;
    }

    /** The value of a new request. */
    public static String newRequest()
    {
        return UUID.randomUUID().toString();
    }
}

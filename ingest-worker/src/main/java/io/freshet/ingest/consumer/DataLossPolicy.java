package io.freshet.ingest.consumer;

import io.freshet.ingest.error.InvalidTablePropertyException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What ingestion does when Kafka's retention deleted records before they were ingested (the offset watermark
 * points below the first offset Kafka still holds). Either way the lost range is reported.
 */
public enum DataLossPolicy
{
    /** Stop the table, naming the lost range: nothing is skipped without someone deciding so. */
    FAIL,
    /** Name the lost range in the log, ingest_status and the commit that moves past it, and go on. */
    CONTINUE;

    /** Iceberg table property holding the policy; unset means FAIL. */
    public static final String PROPERTY = "freshet.data-loss-policy";

    public static DataLossPolicy fromTableProperties(Map<String, String> properties)
    {
        String value = properties.get(PROPERTY);
        return value == null ? FAIL : fromString(value);
    }

    public static DataLossPolicy fromString(String value)
    {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new InvalidTablePropertyException("Invalid data_loss_policy '%s': use one of %s".formatted(value, Arrays.toString(values())), e);
        }
    }
}

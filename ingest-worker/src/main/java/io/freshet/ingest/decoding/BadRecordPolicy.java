package io.freshet.ingest.decoding;

import io.freshet.ingest.error.InvalidTablePropertyException;

import java.util.Locale;

/** What ingestion does with a record that cannot be decoded into the table's columns. */
public enum BadRecordPolicy
{
    /** Skip the record and count it; the partition goes on. */
    SKIP,
    /** Send the record unchanged to the dead-letter topic with the reason in its headers, and count it. */
    DEAD_LETTER,
    /** Stop ingesting the table, keeping everything before the record; the error names the record and the reason. */
    FAIL;

    public static BadRecordPolicy fromString(String value)
    {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new InvalidTablePropertyException("Unknown bad record policy '%s': use SKIP, DEAD_LETTER or FAIL".formatted(value));
        }
    }
}

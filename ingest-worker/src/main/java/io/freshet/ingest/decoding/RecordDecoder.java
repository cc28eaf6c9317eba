package io.freshet.ingest.decoding;

import org.apache.arrow.vector.VectorSchemaRoot;

/** Decodes a Kafka record value into the declared columns of one row of the hot buffer. */
public interface RecordDecoder
{
    /**
     * Writes every declared column of row {@code row}, nulls included.
     *
     * @throws BadRecordException when the value cannot become a row; the row's partial values are then overwritten by the next row
     */
    void decode(byte[] value, VectorSchemaRoot vectors, int row)
            throws BadRecordException;

    /** A record value over {@code freshet.max-record-size} is a bad record before anyone tries to decode it. */
    static void requireSize(int valueBytes, long maxRecordBytes)
            throws BadRecordException
    {
        if (valueBytes > maxRecordBytes) {
            throw new BadRecordException("record value of %s bytes exceeds freshet.max-record-size (%s bytes)".formatted(valueBytes, maxRecordBytes));
        }
    }
}

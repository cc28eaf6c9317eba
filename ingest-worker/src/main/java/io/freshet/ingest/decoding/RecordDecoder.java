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
}

package io.freshet.ingest.consumer;

/** CPU time of one table's ingestion by stage, in JMX as {@code io.freshet.ingest:type=IngestStages,table=<schema.table>}. */
public interface IngestStagesMBean
{
    long getRecords();

    long getKafkaPollCpuNanos();

    long getDecodeCpuNanos();

    long getBufferCpuNanos();

    long getParquetCpuNanos();

    long getCommitCpuNanos();

    long getFlushThrottledNanos();
}

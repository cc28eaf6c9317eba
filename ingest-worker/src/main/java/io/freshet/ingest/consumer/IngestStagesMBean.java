package io.freshet.ingest.consumer;

/**
 * CPU time of one table's ingestion by stage, flush and commit wall times, in the standalone worker's JMX as
 * {@code io.freshet.ingest:type=IngestStages,table=<schema.table>}; the connector exports them with the table's other metrics.
 */
public interface IngestStagesMBean
{
    long getRecords();

    long getKafkaPollCpuNanos();

    long getDecodeCpuNanos();

    long getBufferCpuNanos();

    long getParquetCpuNanos();

    long getCommitCpuNanos();

    long getFlushThrottledNanos();

    long getFlushes();

    long getFlushNanos();

    long getLastFlushNanos();

    long getFlushedBytes();

    long getCommits();

    long getCommitNanos();

    long getLastCommitNanos();
}

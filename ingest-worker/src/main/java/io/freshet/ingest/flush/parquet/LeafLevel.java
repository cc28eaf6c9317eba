package io.freshet.ingest.flush.parquet;

/** One level of a leaf column's path; {@code definitionLevel} counts the levels defined above it. */
abstract class LeafLevel
{
    abstract void write(int index, int repetitionLevel, int definitionLevel);
}

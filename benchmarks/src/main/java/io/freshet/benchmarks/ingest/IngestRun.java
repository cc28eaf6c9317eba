package io.freshet.benchmarks.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * One ingestion of the whole pre-loaded topic: when the rows became queryable and committed, and the progress over
 * time (seconds since start, rows consumed, rows committed).
 */
public final class IngestRun
{
    private final long events;
    private final List<double[]> samples = new ArrayList<>();
    private double allQueryableSeconds = Double.NaN;
    private double firstCommitSeconds = Double.NaN;
    private double allCommittedSeconds = Double.NaN;

    public IngestRun(long events)
    {
        this.events = events;
    }

    /** Records progress; returns true once every event is committed. */
    public boolean sample(double seconds, long consumed, long committed)
    {
        samples.add(new double[] {seconds, consumed, committed});
        if (consumed >= events && Double.isNaN(allQueryableSeconds)) {
            allQueryableSeconds = seconds;
        }
        if (committed > 0 && Double.isNaN(firstCommitSeconds)) {
            firstCommitSeconds = seconds;
        }
        if (committed >= events && Double.isNaN(allCommittedSeconds)) {
            allCommittedSeconds = seconds;
        }
        return committed >= events;
    }

    public List<double[]> samples()
    {
        return samples;
    }

    public double allQueryableSeconds()
    {
        return allQueryableSeconds;
    }

    public double firstCommitSeconds()
    {
        return firstCommitSeconds;
    }

    public double allCommittedSeconds()
    {
        return allCommittedSeconds;
    }

    public double eventsPerSecond()
    {
        return events / allCommittedSeconds;
    }

    /** Rows committed per second between the first commit and the last: the rate once startup is over. */
    public double steadyEventsPerSecond()
    {
        double firstCommitted = samples.stream().filter(sample -> sample[2] > 0).findFirst().map(sample -> sample[2]).orElse(0.0);
        return (events - firstCommitted) / (allCommittedSeconds - firstCommitSeconds);
    }
}

package io.freshet.benchmarks.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final Map<String, Double> cpuSecondsPerMillionEvents = new LinkedHashMap<>();

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

    /** CPU seconds per million events of each write-path stage, where the system reports them. */
    public Map<String, Double> cpuSecondsPerMillionEvents()
    {
        return cpuSecondsPerMillionEvents;
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

package io.freshet.ingest.flush;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the CPU a flush thread takes, so that a large flush never starves the ingest loop and queries on a small
 * machine: the flush calls {@link #pace} between pieces of work and sleeps whenever it used more than its share of
 * one core over the last window. Not thread safe: one per flush thread.
 */
public final class FlushThrottle
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final double coreShare;
    private long windowStartNanos = -1;
    private long windowStartCpuNanos;
    private long sleptNanos;

    /** @param coreShare the share of one core the flush may use, 1 for no limit */
    public FlushThrottle(double coreShare)
    {
        if (!(coreShare > 0 && coreShare <= 1)) {
            throw new IllegalArgumentException("coreShare must be in (0, 1]: " + coreShare);
        }
        this.coreShare = coreShare;
    }

    public static FlushThrottle unlimited()
    {
        return new FlushThrottle(1);
    }

    public void pace()
    {
        if (coreShare >= 1 || !THREADS.isCurrentThreadCpuTimeSupported()) {
            return;
        }
        long now = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        if (windowStartNanos < 0) {
            windowStartNanos = now;
            windowStartCpuNanos = cpu;
            return;
        }
        long wall = now - windowStartNanos;
        if (wall < WINDOW_NANOS) {
            return;
        }
        long used = cpu - windowStartCpuNanos;
        long owed = (long) (used / coreShare) - wall;
        if (owed > 0) {
            long sleep = Math.min(owed, MAX_SLEEP_NANOS);
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
                sleptNanos += sleep;
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        windowStartNanos = System.nanoTime();
        windowStartCpuNanos = THREADS.getCurrentThreadCpuTime();
    }

    /** Time spent waiting so far, for the ingest status and benchmarks. */
    public long sleptNanos()
    {
        return sleptNanos;
    }
}

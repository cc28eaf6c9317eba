package io.freshet.benchmarks.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of measured values. */
public final class Stats
{
    private Stats() {}

    public static double median(List<Double> values)
    {
        return percentile(values, 50);
    }

    /** Nearest-rank percentile (the value below which {@code percent}% of the values lie); NaN for no values. */
    public static double percentile(List<Double> values, double percent)
    {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (percent == 50 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.clamp(rank - 1, 0, sorted.size() - 1));
    }
}

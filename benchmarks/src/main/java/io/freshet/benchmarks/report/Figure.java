package io.freshet.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One measured figure: a value per run (for example the p99 freshness of each run), summarised as min / median / max.
 *
 * @param section benchmark the figure belongs to (freshness, ingest, cold scan, ...)
 * @param name what was measured
 * @param unit unit of the values
 * @param runs one value per run, in run order
 * @param note how it was measured, sizes, caveats
 */
public record Figure(String section, String name, String unit, List<Double> runs, String note)
{
    public Figure
    {
        requireNonNull(section, "section is null");
        requireNonNull(name, "name is null");
        requireNonNull(unit, "unit is null");
        runs = List.copyOf(runs);
        note = note == null ? "" : note;
    }

    public double min()
    {
        return runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max()
    {
        return runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public double median()
    {
        return Stats.median(runs);
    }

    public static Figure of(String section, String name, String unit, List<Double> runs, String note)
    {
        return new Figure(section, name, unit, new ArrayList<>(runs), note);
    }
}

package io.freshet.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Everything one benchmark run measured: figures, extra tables (the CPU profile), plots; written as JSON, CSV, SVG. */
public final class Report
{
    private final Path directory;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Map<String, String> machine;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    public Report(Path directory, Map<String, Object> settings)
            throws IOException
    {
        this.directory = Files.createDirectories(directory);
        this.settings.putAll(settings);
        this.machine = Machine.describe();
    }

    public Path directory()
    {
        return directory;
    }

    public synchronized void add(Figure figure)
    {
        figures.add(figure);
        Console.OUT.println(line(figure));
        save();
    }

    /** Extra structured output (distributions, profiles, time series) stored under {@code key} in results.json. */
    public synchronized void detail(String key, Object value)
    {
        details.put(key, value);
        save();
    }

    /** Something that could not be measured, and why; printed and kept in results.json. */
    public synchronized void problem(String text)
    {
        problems.add(text);
        Console.OUT.println("!! " + text);
        save();
    }

    public synchronized void plot(String fileName, String svg)
    {
        try {
            Files.writeString(directory.resolve(fileName), svg, UTF_8);
        }
        catch (IOException e) {
            problem("cannot write plot " + fileName + ": " + e);
        }
    }

    public synchronized List<Figure> figures()
    {
        return List.copyOf(figures);
    }

    /** The results table as Markdown, as docs/benchmarks.md quotes it. */
    public synchronized String markdownTable()
    {
        StringBuilder table = new StringBuilder("| section | figure | median | min | max | unit | runs | note |\n|---|---|---:|---:|---:|---|---:|---|\n");
        for (Figure figure : figures) {
            table.append("| ").append(figure.section()).append(" | ").append(figure.name()).append(" | ")
                    .append(number(figure.median())).append(" | ").append(number(figure.min())).append(" | ").append(number(figure.max())).append(" | ")
                    .append(figure.unit()).append(" | ").append(figure.runs().size()).append(" | ").append(figure.note().replace("|", "/")).append(" |\n");
        }
        return table.toString();
    }

    public synchronized void save()
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("settings", settings);
        json.put("figures", figures.stream().map(figure -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("section", figure.section());
            entry.put("name", figure.name());
            entry.put("unit", figure.unit());
            entry.put("median", figure.median());
            entry.put("min", figure.min());
            entry.put("max", figure.max());
            entry.put("runs", figure.runs());
            entry.put("note", figure.note());
            return entry;
        }).toList());
        json.put("problems", problems);
        json.put("details", details);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("results.json").toFile(), json);
            StringBuilder csv = new StringBuilder("section,figure,unit,runs,min,median,max,values,note\n");
            for (Figure figure : figures) {
                csv.append(csv(figure.section())).append(',').append(csv(figure.name())).append(',').append(csv(figure.unit())).append(',')
                        .append(figure.runs().size()).append(',').append(figure.min()).append(',').append(figure.median()).append(',').append(figure.max()).append(',')
                        .append(csv(figure.runs().stream().map(String::valueOf).collect(Collectors.joining(" ")))).append(',').append(csv(figure.note())).append('\n');
            }
            Files.writeString(directory.resolve("results.csv"), csv.toString(), UTF_8);
            Files.writeString(directory.resolve("results.md"), "## Machine\n\n" + machine.entrySet().stream().map(e -> "- " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"))
                    + "\n\n## Results\n\n" + markdownTable() + (problems.isEmpty() ? "" : "\n## Problems\n\n" + problems.stream().map(p -> "- " + p).collect(Collectors.joining("\n")) + "\n"), UTF_8);
        }
        catch (IOException e) {
            System.err.println("cannot write results to " + directory + ": " + e);
        }
    }

    public synchronized void printTable()
    {
        Console.OUT.println();
        Console.OUT.println("Machine: " + machine);
        Console.OUT.printf(Locale.ROOT, "%-12s %-58s %14s %14s %14s  %s%n", "section", "figure", "median", "min", "max", "unit (runs)");
        for (Figure figure : figures) {
            Console.OUT.printf(Locale.ROOT, "%-12s %-58s %14s %14s %14s  %s (%d)%n", figure.section(), figure.name(), number(figure.median()), number(figure.min()), number(figure.max()), figure.unit(), figure.runs().size());
        }
        problems.forEach(problem -> Console.OUT.println("!! " + problem));
        Console.OUT.println("Results: " + directory.toAbsolutePath());
    }

    private static String line(Figure figure)
    {
        return String.format(Locale.ROOT, "[%s] %s: median %s %s (min %s, max %s, %d runs)", figure.section(), figure.name(), number(figure.median()), figure.unit(), number(figure.min()), number(figure.max()), figure.runs().size());
    }

    public static String number(double value)
    {
        if (Double.isNaN(value)) {
            return "-";
        }
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String csv(String text)
    {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}

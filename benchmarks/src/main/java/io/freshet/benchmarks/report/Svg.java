package io.freshet.benchmarks.report;

import java.util.List;
import java.util.Locale;

/** Small hand-written SVG charts (line and bar), so that results need no plotting library. */
public final class Svg
{
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private Svg() {}

    public record Series(String name, List<Double> xs, List<Double> ys) {}

    public record Bars(String name, List<Double> values) {}

    public static String lineChart(String title, String xLabel, String yLabel, List<Series> series)
    {
        double maxX = series.stream().flatMap(s -> s.xs().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        double maxY = series.stream().flatMap(s -> s.ys().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        maxX = niceCeiling(maxX);
        maxY = niceCeiling(maxY);
        StringBuilder svg = header(title);
        axes(svg, xLabel, yLabel, maxX, maxY, true);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            StringBuilder points = new StringBuilder();
            for (int j = 0; j < s.xs().size(); j++) {
                points.append(fmt(x(s.xs().get(j), maxX))).append(',').append(fmt(y(s.ys().get(j), maxY))).append(' ');
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(color(i)).append("\" stroke-width=\"2\" points=\"").append(points.toString().trim()).append("\"/>\n");
        }
        legend(svg, series.stream().map(Series::name).toList());
        return svg.append("</svg>\n").toString();
    }

    /** Grouped bars: one group per category, one bar per series. */
    public static String barChart(String title, String yLabel, List<String> categories, List<Bars> series)
    {
        double maxY = niceCeiling(series.stream().flatMap(s -> s.values().stream()).filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(1));
        StringBuilder svg = header(title);
        axes(svg, "", yLabel, categories.size(), maxY, false);
        double groupWidth = (WIDTH - LEFT - RIGHT) / (double) categories.size();
        double barWidth = groupWidth * 0.8 / series.size();
        for (int c = 0; c < categories.size(); c++) {
            double groupLeft = LEFT + c * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double value = series.get(s).values().get(c);
                if (Double.isNaN(value)) {
                    continue;
                }
                double top = y(value, maxY);
                svg.append("<rect x=\"").append(fmt(groupLeft + s * barWidth)).append("\" y=\"").append(fmt(top))
                        .append("\" width=\"").append(fmt(barWidth - 2)).append("\" height=\"").append(fmt(HEIGHT - BOTTOM - top))
                        .append("\" fill=\"").append(color(s)).append("\"/>\n");
                svg.append("<text x=\"").append(fmt(groupLeft + s * barWidth + barWidth / 2 - 1)).append("\" y=\"").append(fmt(top - 4))
                        .append("\" font-size=\"10\" text-anchor=\"middle\">").append(escape(shortNumber(value))).append("</text>\n");
            }
            svg.append("<text x=\"").append(fmt(LEFT + c * groupWidth + groupWidth / 2)).append("\" y=\"").append(HEIGHT - BOTTOM + 18)
                    .append("\" font-size=\"12\" text-anchor=\"middle\">").append(escape(categories.get(c))).append("</text>\n");
        }
        legend(svg, series.stream().map(Bars::name).toList());
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder header(String title)
    {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" font-family=\"sans-serif\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">").append(escape(title)).append("</text>\n");
        return svg;
    }

    private static void axes(StringBuilder svg, String xLabel, String yLabel, double maxX, double maxY, boolean xTicks)
    {
        int bottom = HEIGHT - BOTTOM;
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(bottom).append("\" stroke=\"black\"/>\n");
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"").append(bottom).append("\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 5; i++) {
            double value = maxY * i / 5;
            double yy = y(value, maxY);
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(yy)).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(fmt(yy)).append("\" stroke=\"#ddd\"/>\n");
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(yy + 4)).append("\" font-size=\"11\" text-anchor=\"end\">").append(escape(shortNumber(value))).append("</text>\n");
            if (xTicks) {
                double xv = maxX * i / 5;
                svg.append("<text x=\"").append(fmt(x(xv, maxX))).append("\" y=\"").append(bottom + 16).append("\" font-size=\"11\" text-anchor=\"middle\">").append(escape(shortNumber(xv))).append("</text>\n");
            }
        }
        svg.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 18).append("\" font-size=\"12\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>\n");
        svg.append("<text transform=\"translate(16,").append((TOP + bottom) / 2).append(") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>\n");
    }

    private static void legend(StringBuilder svg, List<String> names)
    {
        for (int i = 0; i < names.size(); i++) {
            int yy = TOP + 6 + i * 16;
            svg.append("<rect x=\"").append(LEFT + 12).append("\" y=\"").append(yy - 9).append("\" width=\"12\" height=\"10\" fill=\"").append(color(i)).append("\"/>\n");
            svg.append("<text x=\"").append(LEFT + 30).append("\" y=\"").append(yy).append("\" font-size=\"12\">").append(escape(names.get(i))).append("</text>\n");
        }
    }

    private static double x(double value, double maxX)
    {
        return LEFT + value / maxX * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double value, double maxY)
    {
        return HEIGHT - BOTTOM - value / maxY * (HEIGHT - TOP - BOTTOM);
    }

    static double niceCeiling(double value)
    {
        if (value <= 0 || Double.isNaN(value)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String shortNumber(double value)
    {
        double abs = Math.abs(value);
        if (abs >= 1e9) {
            return trim(value / 1e9) + "G";
        }
        if (abs >= 1e6) {
            return trim(value / 1e6) + "M";
        }
        if (abs >= 1e4) {
            return trim(value / 1e3) + "k";
        }
        return trim(value);
    }

    private static String trim(double value)
    {
        String text = String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : Math.abs(value) >= 10 ? "%.1f" : "%.2f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    private static String color(int index)
    {
        return COLORS[index % COLORS.length];
    }

    private static String fmt(double value)
    {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

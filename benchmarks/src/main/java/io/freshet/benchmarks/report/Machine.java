package io.freshet.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the benchmark ran on, recorded beside every result. */
public final class Machine
{
    private Machine() {}

    public static Map<String, String> describe()
    {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("memory", "%.1f GiB".formatted(memTotalKib() / 1024.0 / 1024.0));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put("max heap", "%d MiB".formatted(Runtime.getRuntime().maxMemory() >> 20));
        machine.put("load average at start", loadAverage());
        return machine;
    }

    public static String loadAverage()
    {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Resident set size of this process in bytes (VmRSS), or -1 off Linux. */
    public static long residentBytes()
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    private static String cpuModel()
    {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        }
        catch (IOException e) {
            return "unknown";
        }
    }

    private static long memTotalKib()
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return 0;
    }
}

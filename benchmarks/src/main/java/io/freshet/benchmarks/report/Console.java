package io.freshet.benchmarks.report;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The process's standard output, independent of System.out: an in-process Trino routes System.out into its log, and
 * the benchmark's progress lines and results table must still reach the terminal as they are.
 */
public final class Console
{
    public static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);

    private Console() {}
}

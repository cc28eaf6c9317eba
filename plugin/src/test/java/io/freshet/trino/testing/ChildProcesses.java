package io.freshet.trino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The servers tests run as child processes on loopback (S3Proxy, Iceberg's REST catalog server): started, awaited, stopped alike. */
final class ChildProcesses
{
    private ChildProcesses() {}

    /** Waits until the process accepts connections on its port; fails with its log if it exits or takes too long. */
    static void waitUntilListening(String name, Process process, int port, Path log, Duration timeout)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("%s exited: %s".formatted(name, read(log)));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            }
            catch (IOException e) {
                try {
                    Thread.sleep(100);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
        throw new IllegalStateException("%s did not listen on port %s within %s: %s".formatted(name, port, timeout, read(log)));
    }

    /** Asks the process to stop, and kills it if it has not within ten seconds. */
    static void stop(Process process)
    {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(10))) {
                process.destroyForcibly().waitFor();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path log)
    {
        try {
            return Files.readString(log);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.freshet.ingest.testing;

import io.freshet.ingest.catalog.LocalFileIO;
import io.freshet.ingest.settings.IngestSettings;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local FileIO with a fault at a chosen file write: the Nth data file, manifest or table metadata file
 * the catalog writes fails, or halts the JVM in the middle of writing it. Tests in this JVM arm it with
 * {@link #failNth}; a child JVM arms a crash with the system properties {@value #CRASH_POINT_PROPERTY} and
 * {@value #CRASH_AFTER_PROPERTY}.
 */
public class FaultInjectingFileIO
        extends LocalFileIO
{
    public static final String CRASH_POINT_PROPERTY = "freshet.test.crash-point";
    public static final String CRASH_AFTER_PROPERTY = "freshet.test.crash-after";
    public static final String CRASH_MARKER = "CRASH POINT";

    /** The files Iceberg writes, in the order one flush and commit writes them. */
    public enum FileKind
    {
        DATA_FILE, MANIFEST, MANIFEST_LIST, TABLE_METADATA;

        static FileKind of(String location)
        {
            String name = location.substring(location.lastIndexOf('/') + 1);
            if (name.endsWith(".parquet")) {
                return DATA_FILE;
            }
            if (name.endsWith(".metadata.json")) {
                return TABLE_METADATA;
            }
            if (name.startsWith("snap-")) {
                return MANIFEST_LIST;
            }
            return MANIFEST;
        }
    }

    private static volatile Fault fault = crashFromSystemProperties();
    private static final Map<FileKind, AtomicInteger> WRITTEN = new ConcurrentHashMap<>();

    /** Fails the Nth file of a kind written from now on (1 is the next one) with an IOException while it is written. */
    public static void failNth(FileKind kind, int occurrence)
    {
        fault = new Fault(kind, occurrence, Mode.FAIL_NTH, new AtomicInteger(), new AtomicInteger(), new AtomicBoolean(), new CountDownLatch(1));
    }

    /** Fails every file of a kind written from now on until {@link #reset}, as a storage outage does. */
    public static void failAll(FileKind kind)
    {
        fault = new Fault(kind, 1, Mode.FAIL_ALL, new AtomicInteger(), new AtomicInteger(), new AtomicBoolean(), new CountDownLatch(1));
    }

    /**
     * Lets the next file of a kind be written, then fails every read of files of that kind until {@link #reset}:
     * a commit lands, but neither its committer nor anyone else can read the outcome.
     */
    public static void failReadsAfterNextWrite(FileKind kind)
    {
        fault = new Fault(kind, 1, Mode.FAIL_READS_AFTER_WRITE, new AtomicInteger(), new AtomicInteger(), new AtomicBoolean(), new CountDownLatch(1));
    }

    /** Holds the next file of a kind at its creation until {@link #release}, as a slow store or catalog does. */
    public static void holdNext(FileKind kind)
    {
        fault = new Fault(kind, 1, Mode.HOLD_NEXT, new AtomicInteger(), new AtomicInteger(), new AtomicBoolean(), new CountDownLatch(1));
    }

    /** Lets a held write go on. */
    public static void release()
    {
        Fault current = fault;
        if (current != null) {
            current.release().countDown();
        }
    }

    public static void reset()
    {
        release();
        fault = null;
        WRITTEN.clear();
    }

    /** True once the armed fault has fired. */
    public static boolean fired()
    {
        Fault current = fault;
        return current != null && current.failures().get() > 0;
    }

    /** How many writes or reads the armed fault has failed. */
    public static int failures()
    {
        Fault current = fault;
        return current == null ? 0 : current.failures().get();
    }

    /** Files of a kind opened for writing since the last {@link #reset}. */
    public static int written(FileKind kind)
    {
        AtomicInteger count = WRITTEN.get(kind);
        return count == null ? 0 : count.get();
    }

    /** The settings with this FileIO in place of the local one. */
    public static IngestSettings withFaults(IngestSettings settings)
    {
        return settings.withCatalog(settings.catalog().withFileIoFactory(_ -> new FaultInjectingFileIO()));
    }

    private static Fault crashFromSystemProperties()
    {
        String point = System.getProperty(CRASH_POINT_PROPERTY);
        if (point == null) {
            return null;
        }
        return new Fault(FileKind.valueOf(point.toUpperCase(Locale.ROOT)), Integer.getInteger(CRASH_AFTER_PROPERTY, 1), Mode.CRASH_NTH, new AtomicInteger(), new AtomicInteger(), new AtomicBoolean(), new CountDownLatch(1));
    }

    @Override
    public OutputFile newOutputFile(String location)
    {
        OutputFile delegate = super.newOutputFile(location);
        FileKind kind = FileKind.of(location);
        WRITTEN.computeIfAbsent(kind, _ -> new AtomicInteger()).incrementAndGet();
        Fault current = fault;
        if (current == null || current.kind() != kind) {
            return delegate;
        }
        return new FaultyOutputFile(delegate, current);
    }

    @Override
    public InputFile newInputFile(String location)
    {
        Fault current = fault;
        if (current != null && current.mode() == Mode.FAIL_READS_AFTER_WRITE && current.readsFailing().get() && current.kind() == FileKind.of(location)) {
            current.failures().incrementAndGet();
            throw new NotFoundException("Injected failure reading %s", location);
        }
        return super.newInputFile(location);
    }

    private enum Mode
    {
        FAIL_NTH, FAIL_ALL, CRASH_NTH, FAIL_READS_AFTER_WRITE, HOLD_NEXT
    }

    private record Fault(FileKind kind, int occurrence, Mode mode, AtomicInteger seen, AtomicInteger failures, AtomicBoolean readsFailing, CountDownLatch release)
    {
        boolean crash()
        {
            return mode == Mode.CRASH_NTH;
        }
    }

    private record FaultyOutputFile(OutputFile delegate, Fault fault)
            implements OutputFile
    {
        @Override
        public PositionOutputStream create()
        {
            return wrap(delegate.create());
        }

        @Override
        public PositionOutputStream createOrOverwrite()
        {
            return wrap(delegate.createOrOverwrite());
        }

        private PositionOutputStream wrap(PositionOutputStream stream)
        {
            int seen = fault.seen().incrementAndGet();
            return switch (fault.mode()) {
                case FAIL_NTH, CRASH_NTH -> seen == fault.occurrence() ? new FaultyStream(stream, fault, delegate.location()) : stream;
                case FAIL_ALL -> new FaultyStream(stream, fault, delegate.location());
                case FAIL_READS_AFTER_WRITE -> seen == fault.occurrence() ? new ClosingStream(stream, () -> fault.readsFailing().set(true)) : stream;
                case HOLD_NEXT -> {
                    if (seen == fault.occurrence()) {
                        // counted as fired while it waits, so a test sees that the write is held
                        fault.failures().incrementAndGet();
                        try {
                            fault.release().await();
                        }
                        catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    yield stream;
                }
            };
        }

        @Override
        public String location()
        {
            return delegate.location();
        }

        @Override
        public InputFile toInputFile()
        {
            return delegate.toInputFile();
        }
    }

    /** Writes the first bytes, then fails or halts: the file is left half written, as a crash leaves it. */
    private static final class FaultyStream
            extends ForwardingStream
    {
        private final Fault fault;
        private final String location;

        FaultyStream(PositionOutputStream delegate, Fault fault, String location)
        {
            super(delegate);
            this.fault = fault;
            this.location = location;
        }

        @Override
        public void write(int b)
                throws IOException
        {
            super.write(b);
            strike();
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            super.write(bytes, offset, length);
            strike();
        }

        private void strike()
                throws IOException
        {
            flush();
            if (fault.crash()) {
                System.out.println(CRASH_MARKER + " " + fault.kind() + " " + location);
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
            fault.failures().incrementAndGet();
            throw new IOException("Injected failure writing " + location);
        }
    }

    /** Writes through and runs an action once the file is complete. */
    private static final class ClosingStream
            extends ForwardingStream
    {
        private final Runnable onClose;

        ClosingStream(PositionOutputStream delegate, Runnable onClose)
        {
            super(delegate);
            this.onClose = onClose;
        }

        @Override
        public void close()
                throws IOException
        {
            super.close();
            onClose.run();
        }
    }

    /** Passes every call to the stream the local FileIO opened. */
    private abstract static class ForwardingStream
            extends PositionOutputStream
    {
        private final PositionOutputStream delegate;

        ForwardingStream(PositionOutputStream delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public long getPos()
                throws IOException
        {
            return delegate.getPos();
        }

        @Override
        public void write(int b)
                throws IOException
        {
            delegate.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            delegate.write(bytes, offset, length);
        }

        @Override
        public void flush()
                throws IOException
        {
            delegate.flush();
        }

        @Override
        public void close()
                throws IOException
        {
            delegate.close();
        }
    }
}

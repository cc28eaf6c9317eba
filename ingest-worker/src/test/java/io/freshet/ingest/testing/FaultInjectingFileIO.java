package io.freshet.ingest.testing;

import io.freshet.ingest.IngestSettings;
import io.freshet.ingest.catalog.LocalFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

import java.io.IOException;
import java.util.Locale;
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

    /** Fails the Nth file of a kind written from now on (1 is the next one) with an IOException while it is written. */
    public static void failNth(FileKind kind, int occurrence)
    {
        fault = new Fault(kind, occurrence, false, new AtomicInteger());
    }

    public static void reset()
    {
        fault = null;
    }

    /** True once the armed fault has fired. */
    public static boolean fired()
    {
        Fault current = fault;
        return current != null && current.seen().get() >= current.occurrence();
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
        return new Fault(FileKind.valueOf(point.toUpperCase(Locale.ROOT)), Integer.getInteger(CRASH_AFTER_PROPERTY, 1), true, new AtomicInteger());
    }

    @Override
    public OutputFile newOutputFile(String location)
    {
        OutputFile delegate = super.newOutputFile(location);
        Fault current = fault;
        if (current == null || current.kind() != FileKind.of(location)) {
            return delegate;
        }
        return new FaultyOutputFile(delegate, current);
    }

    private record Fault(FileKind kind, int occurrence, boolean crash, AtomicInteger seen) {}

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
            boolean chosen = fault.seen().incrementAndGet() == fault.occurrence();
            return chosen ? new FaultyStream(stream, fault, delegate.location()) : stream;
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
            extends PositionOutputStream
    {
        private final PositionOutputStream delegate;
        private final Fault fault;
        private final String location;

        FaultyStream(PositionOutputStream delegate, Fault fault, String location)
        {
            this.delegate = delegate;
            this.fault = fault;
            this.location = location;
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
            strike();
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            delegate.write(bytes, offset, length);
            strike();
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

        private void strike()
                throws IOException
        {
            delegate.flush();
            if (fault.crash()) {
                System.out.println(CRASH_MARKER + " " + fault.kind() + " " + location);
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
            throw new IOException("Injected failure writing " + location);
        }
    }
}

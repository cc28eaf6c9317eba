package io.freshet.ingest.testing;

import io.freshet.ingest.IngestWorkerMain;

/** The standalone worker with {@link FaultInjectingFileIO} as its FileIO, for tests that run it in a child JVM. */
public final class FaultInjectingWorkerMain
{
    private FaultInjectingWorkerMain() {}

    public static void main(String[] arguments)
            throws Exception
    {
        IngestWorkerMain.run(FaultInjectingFileIO.withFaults(IngestWorkerMain.settings(arguments[0])));
    }
}

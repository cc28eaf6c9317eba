package io.freshet.ingest;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

import static io.freshet.ingest.testing.CodeLayout.assertFilesFreeOfCycles;
import static io.freshet.ingest.testing.CodeLayout.assertPackagesFreeOfCycles;
import static io.freshet.ingest.testing.CodeLayout.mainClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The ingest worker's code has no import cycles: neither between its packages nor between its files. */
class TestCodeLayout
{
    private static final String ROOT_PACKAGE = "io.freshet.ingest";
    private static final JavaClasses MAIN_CLASSES = mainClasses(ROOT_PACKAGE);

    @Test
    void packagesAreFreeOfCycles()
    {
        assertPackagesFreeOfCycles(ROOT_PACKAGE, MAIN_CLASSES);
    }

    @Test
    void filesAreFreeOfCycles()
    {
        assertFilesFreeOfCycles(ROOT_PACKAGE, MAIN_CLASSES);
    }

    /** The rules above see the classes they judge: an empty import would pass them without checking anything. */
    @Test
    void importsTheMainClasses()
    {
        assertThat(MAIN_CLASSES.contain(IngestWorker.class)).isTrue();
        assertThat(MAIN_CLASSES.contain(TestCodeLayout.class)).isFalse();
        assertThat(MAIN_CLASSES.size()).isGreaterThan(100);
    }
}

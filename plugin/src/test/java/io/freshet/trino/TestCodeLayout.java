package io.freshet.trino;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.freshet.ingest.testing.CodeLayout.assertFilesFreeOfCycles;
import static io.freshet.ingest.testing.CodeLayout.assertPackagesFreeOfCycles;
import static io.freshet.ingest.testing.CodeLayout.mainClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout of the connector's code: the root package wires the others (plugin, connector factory, connector and
 * connector module) and nothing depends on it; no two packages, and no two files, depend on each other in a cycle.
 */
class TestCodeLayout
{
    private static final String ROOT = "io.freshet.trino";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses()
    {
        classes = mainClasses(ROOT);
        // an empty import would make every rule pass
        assertThat(classes.stream().map(JavaClass::getPackageName).distinct())
                .contains(ROOT, ROOT + ".metadata", ROOT + ".reader.parquet");
    }

    @Test
    void packagesAreFreeOfCycles()
    {
        assertPackagesFreeOfCycles(ROOT, classes);
    }

    @Test
    void filesAreFreeOfCycles()
    {
        assertFilesFreeOfCycles(ROOT, classes);
    }

    @Test
    void nothingDependsOnTheRootPackage()
    {
        noClasses().that().resideOutsideOfPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(classes);
    }
}

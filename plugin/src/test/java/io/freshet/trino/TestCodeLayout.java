package io.freshet.trino;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
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
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(ROOT);
        // an empty import would make every rule pass
        assertThat(classes.stream().map(JavaClass::getPackageName).distinct())
                .contains(ROOT, ROOT + ".metadata", ROOT + ".reader.parquet");
    }

    @Test
    void packagesAreFreeOfCycles()
    {
        slices().assignedFrom(PACKAGES)
                .should().beFreeOfCycles()
                .check(classes);
    }

    @Test
    void filesAreFreeOfCycles()
    {
        slices().assignedFrom(TOP_LEVEL_CLASSES)
                .should().beFreeOfCycles()
                .check(classes);
    }

    @Test
    void nothingDependsOnTheRootPackage()
    {
        noClasses().that().resideOutsideOfPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(classes);
    }

    /** Each package of the connector is one slice. */
    private static final SliceAssignment PACKAGES = new SliceAssignment()
    {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass)
        {
            String packageName = javaClass.getPackageName();
            return packageName.equals(ROOT) || packageName.startsWith(ROOT + ".") ? SliceIdentifier.of(packageName) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription()
        {
            return "packages of " + ROOT;
        }
    };

    /** Each source file is one slice: a top-level class with its nested, anonymous and local classes. */
    private static final SliceAssignment TOP_LEVEL_CLASSES = new SliceAssignment()
    {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass)
        {
            if (!javaClass.getPackageName().equals(ROOT) && !javaClass.getPackageName().startsWith(ROOT + ".")) {
                return SliceIdentifier.ignore();
            }
            String name = javaClass.getName();
            int nested = name.indexOf('$');
            return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
        }

        @Override
        public String getDescription()
        {
            return "top-level classes of " + ROOT;
        }
    };
}

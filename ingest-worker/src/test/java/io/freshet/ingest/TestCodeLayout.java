package io.freshet.ingest;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The ingest worker's code has no import cycles: neither between its packages nor between its files. */
class TestCodeLayout
{
    private static final String ROOT_PACKAGE = "io.freshet.ingest";
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT_PACKAGE);

    /** Each package of the ingest worker, the root package included, is one slice. */
    private static final SliceAssignment PACKAGES = new SliceAssignment()
    {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass)
        {
            return inIngestWorker(javaClass) ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription()
        {
            return "packages of " + ROOT_PACKAGE;
        }
    };

    /** Each source file is one slice: a class with its nested, local and anonymous classes. */
    private static final SliceAssignment FILES = new SliceAssignment()
    {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass)
        {
            if (!inIngestWorker(javaClass)) {
                return SliceIdentifier.ignore();
            }
            JavaClass topLevel = javaClass;
            while (topLevel.getEnclosingClass().isPresent()) {
                topLevel = topLevel.getEnclosingClass().get();
            }
            return SliceIdentifier.of(topLevel.getName());
        }

        @Override
        public String getDescription()
        {
            return "source files of " + ROOT_PACKAGE;
        }
    };

    @Test
    void packagesAreFreeOfCycles()
    {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void filesAreFreeOfCycles()
    {
        slices().assignedFrom(FILES).should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    /** The rules above see the classes they judge: an empty import would pass them without checking anything. */
    @Test
    void importsTheMainClasses()
    {
        assertThat(MAIN_CLASSES.contain(IngestWorker.class)).isTrue();
        assertThat(MAIN_CLASSES.contain(TestCodeLayout.class)).isFalse();
        assertThat(MAIN_CLASSES.size()).isGreaterThan(100);
    }

    private static boolean inIngestWorker(JavaClass javaClass)
    {
        return javaClass.getPackageName().equals(ROOT_PACKAGE) || javaClass.getPackageName().startsWith(ROOT_PACKAGE + ".");
    }
}

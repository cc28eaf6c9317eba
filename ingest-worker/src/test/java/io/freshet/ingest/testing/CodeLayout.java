package io.freshet.ingest.testing;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layout rules both modules keep: no import cycle between packages, nor between source files. */
public final class CodeLayout
{
    private CodeLayout() {}

    /** The main classes (no tests, no jars) under the root package. */
    public static JavaClasses mainClasses(String rootPackage)
    {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
    }

    public static void assertPackagesFreeOfCycles(String rootPackage, JavaClasses classes)
    {
        slices().assignedFrom(packages(rootPackage)).should().beFreeOfCycles().check(classes);
    }

    public static void assertFilesFreeOfCycles(String rootPackage, JavaClasses classes)
    {
        slices().assignedFrom(files(rootPackage)).should().beFreeOfCycles().check(classes);
    }

    /** Each package under the root, the root included, is one slice. */
    private static SliceAssignment packages(String rootPackage)
    {
        return new SliceAssignment()
        {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass)
            {
                return isUnder(rootPackage, javaClass) ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription()
            {
                return "packages of " + rootPackage;
            }
        };
    }

    /** Each source file is one slice: a top-level class with its nested, local and anonymous classes. */
    private static SliceAssignment files(String rootPackage)
    {
        return new SliceAssignment()
        {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass)
            {
                if (!isUnder(rootPackage, javaClass)) {
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
                return "source files of " + rootPackage;
            }
        };
    }

    private static boolean isUnder(String rootPackage, JavaClass javaClass)
    {
        return javaClass.getPackageName().equals(rootPackage) || javaClass.getPackageName().startsWith(rootPackage + ".");
    }
}

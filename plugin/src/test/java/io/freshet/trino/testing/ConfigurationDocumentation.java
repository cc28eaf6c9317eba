package io.freshet.trino.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md, as the configuration tests check it against the properties. */
public final class ConfigurationDocumentation
{
    private ConfigurationDocumentation() {}

    /** Asserts that docs/configuration.md names each property, and returns the document for further checks. */
    public static String assertDocumentsProperties(Collection<String> properties)
            throws IOException
    {
        String documentation = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (String property : properties) {
            assertThat(documentation).as("docs/configuration.md documents %s", property).contains("`" + property + "`");
        }
        return documentation;
    }
}

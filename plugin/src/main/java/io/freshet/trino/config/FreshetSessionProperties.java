package io.freshet.trino.config;

import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.session.PropertyMetadata;

import java.util.List;

import static io.trino.spi.session.PropertyMetadata.booleanProperty;

/** Session properties of a Freshet catalog: {@code SET SESSION freshet.committed_only = true}. */
public final class FreshetSessionProperties
{
    public static final String COMMITTED_ONLY = "committed_only";

    private FreshetSessionProperties() {}

    public static List<PropertyMetadata<?>> properties()
    {
        return List.of(booleanProperty(
                COMMITTED_ONLY,
                "Read only the rows committed to Iceberg, not the hot buffer: also answers while a table's ingestion has failed",
                false,
                false));
    }

    public static boolean isCommittedOnly(ConnectorSession session)
    {
        return session.getProperty(COMMITTED_ONLY, Boolean.class);
    }
}

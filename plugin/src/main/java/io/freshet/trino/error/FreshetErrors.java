package io.freshet.trino.error;

import io.freshet.ingest.catalog.NotFreshetTableException;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_NOT_FRESHET_TABLE;

/** Errors the connector raises in more than one place, so that each reads and is coded the same wherever it arises. */
public final class FreshetErrors
{
    private FreshetErrors() {}

    /** A table of the catalog that Freshet did not create: it is bound to no Kafka topic. */
    public static TrinoException notFreshetTable(SchemaTableName name)
    {
        return new TrinoException(FRESHET_NOT_FRESHET_TABLE,
                "Table %s is not a Freshet table: it is bound to no Kafka topic; read or change it with the engine that created it".formatted(name));
    }

    /** The ingest worker's refusal to touch a table it did not create. */
    public static TrinoException notFreshetTable(NotFreshetTableException exception)
    {
        return new TrinoException(FRESHET_NOT_FRESHET_TABLE, exception.getMessage(), exception);
    }
}

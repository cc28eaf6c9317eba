package io.freshet.trino.error;

import io.freshet.ingest.error.IngestException;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_NAME;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_SCHEMA_CHANGE;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_NOT_FRESHET_TABLE;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_UNKNOWN_TOPIC;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;

/**
 * Errors the connector raises in more than one place, so that each reads and is coded the same wherever it arises,
 * and the one translation of the ingest worker's failures into the connector's error codes.
 */
public final class FreshetErrors
{
    private FreshetErrors() {}

    /** A table of the catalog that Freshet did not create: it is bound to no Kafka topic. */
    public static TrinoException notFreshetTable(SchemaTableName name)
    {
        return new TrinoException(FRESHET_NOT_FRESHET_TABLE,
                "Table %s is not a Freshet table: it is bound to no Kafka topic; read or change it with the engine that created it".formatted(name));
    }

    /** The ingest worker's failure as the error a Trino user sees: the worker's message, which says what to do, under the code of its kind. */
    public static TrinoException fromIngest(IngestException exception)
    {
        return new TrinoException(errorCode(exception), exception.getMessage(), exception);
    }

    /** The same, with what was being done in front of the worker's message. */
    public static TrinoException fromIngest(String action, IngestException exception)
    {
        return new TrinoException(errorCode(exception), "%s: %s".formatted(action, exception.getMessage()), exception);
    }

    // a new kind of failure does not compile until it has its code here
    static ErrorCodeSupplier errorCode(IngestException exception)
    {
        return switch (exception.kind()) {
            case INVALID_NAME -> FRESHET_INVALID_NAME;
            case INVALID_SCHEMA_CHANGE -> FRESHET_INVALID_SCHEMA_CHANGE;
            case INVALID_TABLE_PROPERTY -> FRESHET_INVALID_TABLE_PROPERTY;
            case INVALID_UPKEEP_ARGUMENT -> INVALID_PROCEDURE_ARGUMENT;
            case KAFKA_UNAVAILABLE -> FRESHET_KAFKA_ERROR;
            case NOT_FRESHET_TABLE -> FRESHET_NOT_FRESHET_TABLE;
            case TRANSACTION_LOG -> FRESHET_CATALOG_ERROR;
            case UNKNOWN_TOPIC -> FRESHET_UNKNOWN_TOPIC;
            case UNSUPPORTED_COLUMN -> NOT_SUPPORTED;
        };
    }
}

package io.freshet.trino.error;

import io.freshet.ingest.error.IngestException;
import io.freshet.ingest.error.InvalidNameException;
import io.freshet.ingest.error.InvalidSchemaChangeException;
import io.freshet.ingest.error.InvalidTablePropertyException;
import io.freshet.ingest.error.InvalidUpkeepArgumentException;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.ingest.error.TransactionLogException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.ingest.error.UnsupportedColumnException;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.ErrorType;
import io.trino.spi.TrinoException;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_NAME;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_SCHEMA_CHANGE;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_NOT_FRESHET_TABLE;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_UNKNOWN_TOPIC;
import static io.trino.spi.ErrorType.EXTERNAL;
import static io.trino.spi.ErrorType.USER_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static org.assertj.core.api.Assertions.assertThat;

final class TestFreshetErrors
{
    private static final Map<IngestException, ErrorCodeSupplier> EXPECTED = Map.of(
            new InvalidNameException("Invalid table name '..'"), FRESHET_INVALID_NAME,
            new InvalidSchemaChangeException("Column x was added as required"), FRESHET_INVALID_SCHEMA_CHANGE,
            new InvalidTablePropertyException("Invalid partitioning 'week(ts)'"), FRESHET_INVALID_TABLE_PROPERTY,
            new InvalidUpkeepArgumentException("Retention 1m is too short"), INVALID_PROCEDURE_ARGUMENT,
            new KafkaUnavailableException("Cannot connect to Kafka at localhost:1"), FRESHET_KAFKA_ERROR,
            new NotFreshetTableException(TableIdentifier.of("shop", "orders")), FRESHET_NOT_FRESHET_TABLE,
            new TransactionLogException("Invalid offset watermark in snapshot summary: {"), FRESHET_CATALOG_ERROR,
            new UnknownTopicException("Kafka topic 'orders' does not exist"), FRESHET_UNKNOWN_TOPIC,
            new UnsupportedColumnException("Column type time is not supported by Freshet"), NOT_SUPPORTED);

    @Test
    void everyKindOfIngestFailureHasItsOwnCode()
    {
        // one exception of each kind
        assertThat(EXPECTED.keySet().stream().map(IngestException::kind).collect(Collectors.toSet())).containsExactlyInAnyOrder(IngestException.Kind.values());
        EXPECTED.forEach((exception, code) -> {
            TrinoException translated = FreshetErrors.fromIngest(exception);
            assertThat(translated.getErrorCode()).as(exception.getClass().getSimpleName()).isEqualTo(code.toErrorCode());
            assertThat(translated.getMessage()).isEqualTo(exception.getMessage());
            assertThat(translated.getCause()).isSameAs(exception);
        });
        assertThat(EXPECTED.values().stream().map(ErrorCodeSupplier::toErrorCode).distinct()).hasSize(EXPECTED.size());
    }

    @Test
    void failuresOfKafkaAndTheCatalogAreExternalAndTheRestAreTheUsers()
    {
        Map<ErrorType, List<String>> byType = EXPECTED.entrySet().stream().collect(Collectors.groupingBy(
                entry -> entry.getValue().toErrorCode().getType(),
                Collectors.mapping(entry -> entry.getKey().getClass().getSimpleName(), Collectors.toList())));
        assertThat(byType.get(EXTERNAL)).containsExactlyInAnyOrder("KafkaUnavailableException", "TransactionLogException");
        assertThat(byType.get(USER_ERROR)).hasSize(EXPECTED.size() - 2);
    }

    @Test
    void theActionGoesInFrontOfTheMessage()
    {
        TrinoException translated = FreshetErrors.fromIngest("Cannot plan the hot rows of shop.orders", new UnknownTopicException("Kafka topic 'orders' does not exist"));
        assertThat(translated.getErrorCode()).isEqualTo(FRESHET_UNKNOWN_TOPIC.toErrorCode());
        assertThat(translated.getMessage()).isEqualTo("Cannot plan the hot rows of shop.orders: Kafka topic 'orders' does not exist");
    }
}

package io.freshet.trino.security;

import com.google.inject.Inject;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.trino.FreshetConfig;
import io.trino.spi.TrinoException;

import java.util.regex.Pattern;

import static io.freshet.trino.FreshetErrorCode.FRESHET_TOPIC_NOT_ALLOWED;
import static java.util.Objects.requireNonNull;

/**
 * The Kafka topics tables of this catalog may read and dead-letter into ({@code freshet.allowed-topics}).
 * Ingestion reads and writes with the connector's Kafka credentials, not the user's: without this limit
 * anyone allowed to create or alter a table could read or write any topic those credentials reach.
 */
public final class AllowedTopics
{
    public static final String PROPERTY = "freshet.allowed-topics";

    private final Pattern pattern;

    @Inject
    public AllowedTopics(FreshetConfig config)
    {
        this(config.getAllowedTopics());
    }

    public AllowedTopics(String regex)
    {
        this.pattern = Pattern.compile(requireNonNull(regex, "regex is null"));
    }

    /** Refuses a binding whose topic, or dead-letter topic when records may be dead-lettered, the catalog does not allow. */
    public void check(TableBinding binding, BadRecordPolicy catalogPolicy)
    {
        check("kafka_topic", binding.topic());
        if (binding.deadLetterTopic().isPresent() || binding.badRecordPolicy().orElse(catalogPolicy) == BadRecordPolicy.DEAD_LETTER) {
            check("dead_letter_topic", binding.effectiveDeadLetterTopic());
        }
    }

    private void check(String property, String topic)
    {
        if (!pattern.matcher(topic).matches()) {
            throw new TrinoException(FRESHET_TOPIC_NOT_ALLOWED, "Kafka topic '%s' (%s) is not allowed in this catalog: topics must match %s '%s'; use an allowed topic or ask the catalog's administrator"
                    .formatted(topic, property, PROPERTY, pattern.pattern()));
        }
    }
}

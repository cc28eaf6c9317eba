package io.freshet.ingest.error;

import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A table of a shared Iceberg catalog that Freshet does not own: it is bound to no Kafka topic, so Freshet
 * did not create it and must not drop it.
 */
public final class NotFreshetTableException
        extends IngestException
{
    public NotFreshetTableException(TableIdentifier identifier)
    {
        super(Kind.NOT_FRESHET_TABLE, "Table %s is not a Freshet table (it is bound to no Kafka topic): Freshet drops only the tables it created; drop it with the engine that owns it"
                .formatted(identifier), null);
    }
}

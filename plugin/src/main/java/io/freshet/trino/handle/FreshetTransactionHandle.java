package io.freshet.trino.handle;

import io.freshet.trino.metadata.FreshetMetadata;
import io.trino.spi.connector.ConnectorTransactionHandle;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** One Trino transaction; its {@link FreshetMetadata} loads each table at most once. */
public record FreshetTransactionHandle(UUID transactionId)
        implements ConnectorTransactionHandle
{
    public FreshetTransactionHandle
    {
        requireNonNull(transactionId, "transactionId is null");
    }

    public static FreshetTransactionHandle create()
    {
        return new FreshetTransactionHandle(UUID.randomUUID());
    }
}

package io.freshet.trino.handle;

import io.trino.spi.connector.ConnectorTransactionHandle;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** One Trino transaction; its metadata ({@code FreshetMetadata}) loads each table at most once. */
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

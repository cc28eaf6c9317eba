package io.freshet.trino;

import io.trino.spi.connector.ConnectorTransactionHandle;

/** Reads need no transaction: every query pins its own cut. */
public enum FreshetTransactionHandle
        implements ConnectorTransactionHandle
{
    INSTANCE
}

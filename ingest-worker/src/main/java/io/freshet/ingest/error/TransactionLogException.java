package io.freshet.ingest.error;

/** The transaction log (the chain of snapshots and their summaries) lacks or garbles what Freshet needs, such as the offset watermark. */
public final class TransactionLogException
        extends IngestException
{
    public TransactionLogException(String message)
    {
        super(Kind.TRANSACTION_LOG, message, null);
    }

    public TransactionLogException(String message, Throwable cause)
    {
        super(Kind.TRANSACTION_LOG, message, cause);
    }
}

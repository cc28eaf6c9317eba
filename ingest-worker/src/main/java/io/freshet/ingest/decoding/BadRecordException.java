package io.freshet.ingest.decoding;

/** A record that cannot become a row of the table; the message says why, for the dead-letter headers and the logs. */
public class BadRecordException
        extends Exception
{
    public BadRecordException(String message)
    {
        super(message);
    }

    public BadRecordException(String message, Throwable cause)
    {
        super(message, cause);
    }
}

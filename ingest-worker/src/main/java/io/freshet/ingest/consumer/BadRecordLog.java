package io.freshet.ingest.consumer;

import io.freshet.ingest.decoding.BadRecordPolicy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Logs the bad records of one table at WARN: where each is (topic, partition, offset) and why it does not
 * decode, never what it holds, since records carry user data the log readers may not see. At most one line
 * per interval, with the number left out since the last line, so a topic full of bad records cannot flood
 * the log.
 */
final class BadRecordLog
{
    private static final Logger log = LoggerFactory.getLogger(BadRecordLog.class);
    private static final Pattern VALUE_IN_REASON = Pattern.compile("\\b(integer|decimal) \\S+ ");

    private final String table;
    private final long intervalNanos;
    private long nextLogNanos = Long.MIN_VALUE;
    private long notLogged;

    BadRecordLog(String table, Duration interval)
    {
        this.table = requireNonNull(table, "table is null");
        this.intervalNanos = interval.toNanos();
    }

    void badRecord(ConsumerRecord<?, ?> record, String reason, BadRecordPolicy policy)
    {
        long now = System.nanoTime();
        if (nextLogNanos != Long.MIN_VALUE && now - nextLogNanos < 0) {
            notLogged++;
            return;
        }
        nextLogNanos = now + intervalNanos;
        String action = policy == BadRecordPolicy.DEAD_LETTER ? "dead-lettered" : "skipped";
        if (notLogged == 0) {
            log.warn("Bad record {} at topic {} partition {} offset {} of table {}: {}", action, record.topic(), record.partition(), record.offset(), table, withoutContent(reason));
        }
        else {
            log.warn("Bad record {} at topic {} partition {} offset {} of table {}: {} ({} more bad records since the last message)",
                    action, record.topic(), record.partition(), record.offset(), table, withoutContent(reason), notLogged);
        }
        notLogged = 0;
    }

    /**
     * Why a record does not decode, without the values it holds: the reason up to the record's own text
     * (a JSON parser's excerpt, the value found), keeping the column path, which comes from the table schema.
     */
    static String withoutContent(String reason)
    {
        String text = reason;
        int found = text.indexOf(", found ");
        if (found >= 0) {
            text = text.substring(0, found);
        }
        int pathEnd = text.startsWith("field ") ? text.indexOf(": ") + 2 : 0;
        int detail = text.indexOf(": ", Math.max(pathEnd, 0));
        if (detail >= 0) {
            text = text.substring(0, detail);
        }
        return VALUE_IN_REASON.matcher(text).replaceAll("$1 value ");
    }
}

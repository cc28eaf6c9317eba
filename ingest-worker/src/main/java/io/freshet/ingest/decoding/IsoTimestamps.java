package io.freshet.ingest.decoding;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

import static java.time.temporal.ChronoUnit.MICROS;

/**
 * ISO-8601 timestamps to epoch microseconds. Producers almost always send one layout,
 * {@code 2026-11-28T10:15:30.123456Z} (fraction and offset optional); that layout is read digit by digit,
 * because the general formatter allocates a map per value and was a fifth of all ingest CPU time.
 * Everything else the formatter accepts still goes through it, with the same result.
 */
final class IsoTimestamps
{
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    // ISO-8601 with 'T' or a space between date and time, optional fraction and optional offset
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
            .toFormatter(Locale.ROOT)
            // strict: 30 February or 24:00 is a bad record, not a silently moved timestamp
            .withResolverStyle(ResolverStyle.STRICT);

    private IsoTimestamps() {}

    /**
     * Epoch microseconds of the text. With {@code withZone} an offset shifts the value to UTC; without it
     * the wall-clock time the producer wrote is kept.
     *
     * @throws DateTimeException when the text is not an ISO-8601 timestamp
     */
    static long micros(String text, boolean withZone)
    {
        long micros = fastMicros(text, withZone);
        return micros != Long.MIN_VALUE ? micros : formatterMicros(text, withZone);
    }

    /** The general path, for every layout the fast one does not take. */
    static long formatterMicros(String text, boolean withZone)
    {
        TemporalAccessor parsed = FORMAT.parse(text.trim());
        LocalDateTime local = LocalDateTime.of(LocalDate.from(parsed), java.time.LocalTime.from(parsed));
        if (withZone && parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
            OffsetDateTime instant = OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)));
            return MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), instant);
        }
        return MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), local);
    }

    /** {@code YYYY-MM-DD[T ]HH:MM:SS[.f{1,6}][Z|±HH:MM]}, or {@link Long#MIN_VALUE} for any other text. */
    static long fastMicros(String text, boolean withZone)
    {
        int length = text.length();
        if (length < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        char separator = text.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int position = 19;
        long fractionMicros = 0;
        if (position < length && text.charAt(position) == '.') {
            int start = ++position;
            while (position < length && Character.isDigit(text.charAt(position))) {
                position++;
            }
            int fractionDigits = position - start;
            if (fractionDigits == 0 || fractionDigits > 6) {
                return Long.MIN_VALUE;
            }
            fractionMicros = (long) digits(text, start, fractionDigits) * POWERS_OF_TEN[6 - fractionDigits];
        }
        long offsetSeconds = 0;
        if (position < length) {
            char sign = text.charAt(position);
            if ((sign == 'Z' || sign == 'z') && position + 1 == length) {
                offsetSeconds = 0;
            }
            else if ((sign == '+' || sign == '-') && position + 6 == length && text.charAt(position + 3) == ':') {
                int offsetHours = digits(text, position + 1, 2);
                int offsetMinutes = digits(text, position + 4, 2);
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
                    return Long.MIN_VALUE;
                }
                offsetSeconds = (sign == '-' ? -1 : 1) * (offsetHours * 3600L + offsetMinutes * 60L);
            }
            else {
                return Long.MIN_VALUE;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        }
        catch (DateTimeException e) {
            // 31 April and the like: let the formatter give the usual error
            return Long.MIN_VALUE;
        }
        long micros = epochDay * MICROS_PER_DAY + (hour * 3600L + minute * 60L + second) * MICROS_PER_SECOND + fractionMicros;
        return withZone ? micros - offsetSeconds * MICROS_PER_SECOND : micros;
    }

    /** The decimal number in {@code text[start, start + count)}, or -1 if any character is not a digit. */
    private static int digits(String text, int start, int count)
    {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}

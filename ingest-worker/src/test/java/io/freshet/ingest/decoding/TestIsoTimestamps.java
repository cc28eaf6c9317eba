package io.freshet.ingest.decoding;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestIsoTimestamps
{
    /** The digit-by-digit path gives exactly what the general formatter gives, with and without time zone. */
    @Test
    void fastPathMatchesTheFormatter()
    {
        Random random = new Random(20261128);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-5_000_000_000L, 10_000_000_000L);
            int fractionDigits = random.nextInt(7);
            int offsetMinutes = random.nextInt(4) == 0 ? 0 : random.nextInt(-14 * 60, 14 * 60 + 1);
            String text = format(seconds, random.nextInt(1_000_000), fractionDigits, offsetMinutes, random.nextInt(5));
            for (boolean withZone : List.of(true, false)) {
                long fast = IsoTimestamps.fastMicros(text, withZone);
                assertThat(fast).as(text).isNotEqualTo(Long.MIN_VALUE);
                assertThat(fast).as(text).isEqualTo(IsoTimestamps.formatterMicros(text, withZone));
            }
        }
    }

    @Test
    void knownValues()
    {
        assertThat(IsoTimestamps.micros("2026-11-28T10:15:30.123456Z", true)).isEqualTo(micros("2026-11-28T10:15:30.123456Z"));
        assertThat(IsoTimestamps.micros("2026-11-28 10:15:30.5+01:00", true)).isEqualTo(micros("2026-11-28T09:15:30.500Z"));
        assertThat(IsoTimestamps.micros("2026-11-28 10:15:30.5+01:00", false)).isEqualTo(micros("2026-11-28T10:15:30.500Z"));
        assertThat(IsoTimestamps.micros("1969-12-31T23:59:59.999999Z", true)).isEqualTo(-1);
        assertThat(IsoTimestamps.micros("2024-02-29T00:00:00", true)).isEqualTo(micros("2024-02-29T00:00:00Z"));
    }

    /** Layouts the fast path does not take still parse through the formatter; invalid text still fails. */
    @Test
    void otherLayoutsAndInvalidText()
    {
        for (String text : List.of("2026-11-28T10:15:30.123456789Z", "2026-11-28T10:15", "2026-11-28T10:15:30+0100", " 2026-11-28T10:15:30Z ", "2026-11-28t10:15:30z", "2026-11-28T10:15:30.Z")) {
            assertThat(IsoTimestamps.micros(text, true)).as(text).isEqualTo(IsoTimestamps.formatterMicros(text, true));
        }
        for (String text : List.of("2026-02-30T10:15:30Z", "2026-13-01T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T10:15:30+25:00", "yesterday", "2026-11-28X10:15:30")) {
            assertThat(IsoTimestamps.fastMicros(text, true)).as(text).isEqualTo(Long.MIN_VALUE);
            assertThatThrownBy(() -> IsoTimestamps.micros(text, true)).as(text).isInstanceOf(DateTimeException.class);
        }
    }

    private static String format(long epochSecond, int micros, int fractionDigits, int offsetMinutes, int style)
    {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
        var local = Instant.ofEpochSecond(epochSecond).atOffset(offset).toLocalDateTime();
        StringBuilder text = new StringBuilder("%04d-%02d-%02d%s%02d:%02d:%02d".formatted(
                local.getYear(), local.getMonthValue(), local.getDayOfMonth(), style == 0 ? " " : "T", local.getHour(), local.getMinute(), local.getSecond()));
        if (fractionDigits > 0) {
            text.append('.').append("%06d".formatted(micros), 0, fractionDigits);
        }
        if (style == 1) {
            return text.toString();
        }
        return text.append(offsetMinutes == 0 && style != 2 ? "Z" : offset.getId().equals("Z") ? "+00:00" : offset.getId()).toString();
    }

    private static long micros(String instant)
    {
        Instant value = Instant.parse(instant);
        return value.getEpochSecond() * 1_000_000 + value.getNano() / 1_000;
    }
}

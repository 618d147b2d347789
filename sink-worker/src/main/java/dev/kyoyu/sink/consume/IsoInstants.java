package dev.kyoyu.sink.consume;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the timestamps of topic records. The ingest API writes them as {@link Instant#toString} does
 * ({@code 2026-11-22T18:54:39.764136512Z}); that one shape is read here directly, because
 * {@link Instant#parse} was a tenth of the sink's decoding time (it fills a map per field). Anything else
 * (offsets, leap seconds, other producers' styles) goes to {@link Instant#parse}, so the two always agree.
 */
final class IsoInstants {
    private static final int SHORTEST = "2026-11-22T18:54:39Z".length();

    private IsoInstants() {
    }

    static Instant parse(String text) {
        int length = text.length();
        if (length < SHORTEST || length > SHORTEST + 10 || text.charAt(length - 1) != 'Z' || !shaped(text)) {
            return Instant.parse(text);
        }
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fractionDigits = length - SHORTEST - 1;
        if (hour > 23 || minute > 59 || second > 59 || fractionDigits == 0 && length != SHORTEST
                || fractionDigits > 0 && text.charAt(19) != '.') {
            return Instant.parse(text);
        }
        int nanos = 0;
        for (int i = 0; i < 9; i++) {
            int digit = i < fractionDigits ? text.charAt(20 + i) - '0' : 0;
            if (digit < 0 || digit > 9) {
                return Instant.parse(text);
            }
            nanos = nanos * 10 + digit;
        }
        long day;
        try {
            day = LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10)).toEpochDay();
        } catch (DateTimeException e) {
            return Instant.parse(text); // no such date: let java.time say so, in its words
        }
        return Instant.ofEpochSecond(day * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** {@code dddd-dd-ddTdd:dd:dd}: digits and separators where the common shape has them. */
    private static boolean shaped(String text) {
        for (int i = 0; i < 19; i++) {
            char c = text.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T';
                case 13, 16 -> c == ':';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }
}

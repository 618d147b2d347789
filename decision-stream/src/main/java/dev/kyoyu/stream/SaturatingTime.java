package dev.kyoyu.stream;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Time arithmetic that stops at the ends of its range instead of throwing. Times reach the stream from records it
 * does not control; a window or a timeout computed from an extreme one must not stop the stream (an exception
 * there would meet the same record again after every restart).
 */
public final class SaturatingTime {
    private static final Instant FIRST_MILLI = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LAST_MILLI = Instant.ofEpochMilli(Long.MAX_VALUE);

    private SaturatingTime() {
    }

    public static Instant plus(Instant at, Duration amount) {
        try {
            return at.plus(amount);
        } catch (DateTimeException | ArithmeticException e) {
            return amount.isNegative() ? Instant.MIN : Instant.MAX;
        }
    }

    public static Instant minus(Instant at, Duration amount) {
        try {
            return at.minus(amount);
        } catch (DateTimeException | ArithmeticException e) {
            return amount.isNegative() ? Instant.MAX : Instant.MIN;
        }
    }

    /** Epoch milliseconds, clamped to what a long holds; order is kept (not strictly at the ends). */
    public static long epochMillis(Instant at) {
        if (at.isBefore(FIRST_MILLI)) {
            return Long.MIN_VALUE;
        }
        if (at.isAfter(LAST_MILLI)) {
            return Long.MAX_VALUE;
        }
        return at.toEpochMilli();
    }
}

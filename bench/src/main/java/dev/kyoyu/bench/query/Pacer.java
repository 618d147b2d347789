package dev.kyoyu.bench.query;

/**
 * The schedule of an open-loop load: request {@code k} is due at {@code k × interval} after the start, whatever
 * happened to the requests before it, so a slow answer never lowers the offered rate (a closed loop would hide
 * a slow server behind fewer requests). Whole nanoseconds are never accumulated, so the rate does not drift.
 */
final class Pacer {
    private final double intervalNanos;

    /** {@code eventsPerSecond} in requests of {@code batch} events each. */
    Pacer(double eventsPerSecond, int batch) {
        if (eventsPerSecond <= 0 || batch <= 0) {
            throw new IllegalArgumentException("rate and batch must be positive");
        }
        this.intervalNanos = batch * 1e9 / eventsPerSecond;
    }

    double intervalMillis() {
        return intervalNanos / 1e6;
    }

    /** When request {@code k} (from 0) is due, in nanoseconds after the start. */
    long dueAt(long k) {
        return Math.round(k * intervalNanos);
    }

    /** How many requests are due {@code elapsedNanos} after the start (request 0 is due at once). */
    long dueBy(long elapsedNanos) {
        return elapsedNanos < 0 ? 0 : (long) Math.floor(elapsedNanos / intervalNanos) + 1;
    }

    /** Events per second actually delivered: {@code events} over {@code nanos}. */
    static double rate(long events, long nanos) {
        return nanos <= 0 ? 0 : events * 1e9 / nanos;
    }
}

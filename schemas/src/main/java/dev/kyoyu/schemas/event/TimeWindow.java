package dev.kyoyu.schemas.event;

import java.time.Instant;

/**
 * The timestamps Kyoyu accepts anywhere: at the ingest door (occurred_at, valid_from) and in query
 * filters (time ranges, as_of). Every later stage can hold a time inside it: PostgreSQL's timestamptz
 * (4713 BC to 294276 AD), epoch milliseconds in a long, and Kafka Streams' record timestamps. A time
 * outside it is refused where it enters, so no stage meets one it cannot store or compute with.
 */
public final class TimeWindow {
    public static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private TimeWindow() {
    }

    public static boolean contains(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** For error messages: what a client may send. */
    public static String describe() {
        return "between " + EARLIEST + " and " + LATEST;
    }
}

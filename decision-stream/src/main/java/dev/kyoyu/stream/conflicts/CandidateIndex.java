package dev.kyoyu.stream.conflicts;

import dev.kyoyu.stream.SaturatingTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Valid decisions ordered by type, then time: the key {@code type|time|id}, with the time as 16 hex digits of
 * the epoch millis (sign bit flipped), sorts like the instant, so the decisions of one type within a window are
 * a single range scan instead of a scan of the whole type.
 */
final class CandidateIndex {
    /** Sorts after every character of a time or an id. */
    private static final char AFTER_ALL = '~';
    private final KeyValueStore<String, Candidate> store;

    CandidateIndex(KeyValueStore<String, Candidate> store) {
        this.store = store;
    }

    void add(Candidate candidate) {
        store.put(key(candidate), candidate);
    }

    void remove(Candidate candidate) {
        store.delete(key(candidate));
    }

    /** Candidates of the type whose valid_from lies within {@code window} of {@code at}, either side, inclusive. */
    List<Candidate> near(String decisionType, Instant at, Duration window) {
        String from = prefix(decisionType, SaturatingTime.minus(at, window));
        String to = prefix(decisionType, SaturatingTime.plus(at, window)) + AFTER_ALL;
        List<Candidate> found = new ArrayList<>();
        try (KeyValueIterator<String, Candidate> it = store.range(from, to)) {
            it.forEachRemaining(entry -> {
                Duration apart = Duration.between(entry.value.validFrom(), at).abs();
                if (apart.compareTo(window) <= 0) {
                    found.add(entry.value);
                }
            });
        }
        return found;
    }

    private static String key(Candidate c) {
        return prefix(c.decisionType(), c.validFrom()) + "|" + c.id();
    }

    private static String prefix(String decisionType, Instant at) {
        // Saturated millis keep the order, so a time beyond what a long holds still sorts (it came from another producer:
        // the assembler publishes only times within TimeWindow). Decision types never contain '|' (letters, digits and _ . : -), so one type's keys never interleave with another's.
        return decisionType + "|" + HexFormat.of().toHexDigits(SaturatingTime.epochMillis(at) ^ Long.MIN_VALUE);
    }
}

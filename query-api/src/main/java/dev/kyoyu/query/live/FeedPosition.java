package dev.kyoyu.query.live;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a subscriber stands in the topics, carried as the SSE event id: for each topic partition, the next
 * offset not yet covered, e.g. {@code d0=124,d1=46,c0=7} (d = decisions topic, c = conflicts topic). A
 * reconnect sends it back as {@code Last-Event-ID} and resumes right after the last event it received, on
 * whichever query-api replica it reaches: offsets are the broker's, not the process's.
 */
public final class FeedPosition {
    static final int MAX_ENTRIES = 1024;
    private static final Pattern ENTRY = Pattern.compile("^([dc])(\\d{1,6})=(\\d{1,19})$");

    /** A partition of one of the two topics. */
    public record Key(Role role, int partition) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byRole = role.compareTo(other.role);
            return byRole != 0 ? byRole : Integer.compare(partition, other.partition);
        }

        @Override
        public String toString() {
            return role.letter + Integer.toString(partition);
        }
    }

    public enum Role {
        DECISIONS('d', "decision"),
        CONFLICTS('c', "conflict");

        final char letter;
        /** The SSE event name of this topic's records. */
        final String eventName;

        Role(char letter, String eventName) {
            this.letter = letter;
            this.eventName = eventName;
        }

        static Role of(char letter) {
            return letter == 'd' ? DECISIONS : CONFLICTS;
        }
    }

    private FeedPosition() {
    }

    public static String encode(Map<Key, Long> positions) {
        StringBuilder id = new StringBuilder();
        for (Map.Entry<Key, Long> entry : new TreeMap<>(positions).entrySet()) {
            if (!id.isEmpty()) {
                id.append(',');
            }
            id.append(entry.getKey()).append('=').append(entry.getValue());
        }
        return id.toString();
    }

    /** The positions in an id, or an exception whose message says what is wrong with it. */
    public static Map<Key, Long> decode(String id) {
        Map<Key, Long> positions = new TreeMap<>();
        if (id.isBlank()) {
            return positions;
        }
        String[] entries = id.strip().split(",");
        if (entries.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("has " + entries.length + " partitions; at most " + MAX_ENTRIES);
        }
        for (String entry : entries) {
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not <d|c><partition>=<offset>");
            }
            try {
                positions.put(new Key(Role.of(m.group(1).charAt(0)), Integer.parseInt(m.group(2))), Long.parseLong(m.group(3)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + entry + "' has an offset out of range");
            }
        }
        return positions;
    }
}

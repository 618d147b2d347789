package dev.kyoyu.sink.replay;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What {@code ./kyoyu replay} was asked for: records whose Kafka timestamp is in [from, to).
 *
 * @param to null means "up to the end of the topic as it was when the replay started"
 */
public record ReplayRange(Instant from, Instant to) {
    public static final String USAGE = "usage: ./kyoyu replay --from <ISO time> [--to <ISO time>]   e.g. --from 2026-11-22T10:00:00Z";

    public ReplayRange {
        if (to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("--to " + to + " must be after --from " + from);
        }
    }

    public static ReplayRange parse(List<String> args) {
        Instant from = null;
        Instant to = null;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            Instant value = instant(flag, args.get(++i));
            switch (flag) {
                case "--from" -> from = value;
                case "--to" -> to = value;
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        if (from == null) {
            throw new IllegalArgumentException("--from is required\n" + USAGE);
        }
        return new ReplayRange(from, to);
    }

    private static Instant instant(String flag, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + " " + text + " is not an ISO-8601 time with offset\n" + USAGE);
        }
    }
}

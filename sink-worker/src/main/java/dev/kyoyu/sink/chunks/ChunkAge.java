package dev.kyoyu.sink.chunks;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code D} of {@code --older-than D}: a whole number of days, hours, minutes or seconds ({@code 30d}, {@code 12h}). */
final class ChunkAge {
    private static final Pattern AGE = Pattern.compile("^(\\d{1,6})([dhms])$");

    private ChunkAge() {
    }

    static Duration parse(String text) {
        Matcher m = AGE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--older-than '" + text + "' is not an age such as 30d, 12h, 90m or 45s");
        }
        long amount = Long.parseLong(m.group(1));
        Duration age = switch (m.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (age.isZero()) {
            throw new IllegalArgumentException("--older-than must be more than 0 (0 would mean every chunk that has ended)");
        }
        return age;
    }
}

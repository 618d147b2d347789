package dev.kyoyu.service.limits;

import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sustained rate: {@code amount} units per {@code period}, written {@code 500/s}, {@code 6000/m} or
 * {@code 100/h}. There is no "unlimited" value on purpose: every agent is bounded.
 */
public record Rate(long amount, Duration period) {
    private static final Pattern FORM = Pattern.compile("^(\\d{1,12})/(s|m|h)$");

    public Rate {
        if (amount < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a rate is at least 1 per a positive period");
        }
    }

    /** {@code null} when the text is not of the form {@code <amount>/<s|m|h>} with an amount of at least 1. */
    public static Rate parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
            return null;
        }
        Duration period = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new Rate(Long.parseLong(m.group(1)), period);
    }

    /** The rate named {@code name} in the environment, or the default; a malformed value is reported, never guessed. */
    public static Rate read(EnvReader r, String name, String defaultValue) {
        String text = r.string(name, defaultValue);
        Rate rate = parse(text);
        if (rate == null) {
            r.problem(name + "=" + text + " is not a rate (e.g. 500/s, 6000/m, 100/h; at least 1, or 0 for none)");
            return parse(defaultValue);
        }
        return rate;
    }

    /** As clients read it: {@code 500 requests/s}. */
    public String describe(String unit) {
        return amount + " " + unit + per();
    }

    @Override
    public String toString() {
        return amount + per();
    }

    private String per() {
        if (period.equals(Duration.ofSeconds(1))) {
            return "/s";
        }
        return period.equals(Duration.ofMinutes(1)) ? "/m" : period.equals(Duration.ofHours(1)) ? "/h" : " per " + period;
    }
}

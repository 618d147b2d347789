package dev.kyoyu.service.config;

import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.SettingRead.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed settings from the environment and collects every problem, so a misconfigured
 * process reports all of them at once ({@link #finish()}) instead of one per restart.
 */
public final class EnvReader {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = env;
    }

    public String string(String name, String defaultValue) {
        SettingRead.note(name, Kind.TEXT, defaultValue, null);
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    /** The trimmed value, null when unset or blank; not recorded (the public readers record what they read). */
    private String raw(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String required(String name, String example) {
        SettingRead.note(name, Kind.REQUIRED, null, "e.g. " + example);
        String value = raw(name);
        if (value == null) {
            problems.add(name + " is required (e.g. " + example + ")");
        }
        return value;
    }

    public Secret requiredSecret(String name) {
        SettingRead.note(name, Kind.SECRET, null, "at least 32 characters");
        String value = raw(name);
        if (value == null) {
            problems.add(name + " is required (a random secret of at least 32 characters)");
            return null;
        }
        if (value.length() < 32) {
            problems.add(name + " must be at least 32 characters long");
        }
        return new Secret(value);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        SettingRead.note(name, Kind.INTEGER, defaultValue, min + ".." + max);
        return parseInteger(name, defaultValue, min, max);
    }

    public int port(String name, int defaultValue) {
        SettingRead.note(name, Kind.PORT, defaultValue, "0..65535");
        return parseInteger(name, defaultValue, 0, 65535);
    }

    private int parseInteger(String name, int defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                problems.add(name + "=" + value + " is outside " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + value + " is not an integer");
            return defaultValue;
        }
    }

    /** {@code 100ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d}, or ISO-8601 such as {@code PT0.5S}. */
    public Duration duration(String name, Duration defaultValue) {
        SettingRead.note(name, Kind.DURATION, defaultValue, null);
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        Matcher simple = SIMPLE_DURATION.matcher(value);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(name + "=" + value + " is not a duration (e.g. 100ms, 5s, 2m, 30d, PT0.5S)");
            return defaultValue;
        }
    }

    /** {@code true} or {@code false}; anything else is a problem, never read as false. */
    public boolean bool(String name, boolean defaultValue) {
        SettingRead.note(name, Kind.BOOLEAN, defaultValue, "true|false");
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.equals("true") && !value.equals("false")) {
            problems.add(name + "=" + value + " must be true or false");
            return defaultValue;
        }
        return value.equals("true");
    }

    /** A lower-case enum name; an unknown value is a problem, never a silent default. */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        String choices = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
        SettingRead.note(name, Kind.CHOICE, defaultValue == null ? null : defaultValue.name().toLowerCase(Locale.ROOT), choices);
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        problems.add(name + "=" + value + " is not one of " + choices);
        return defaultValue;
    }

    /** A secret that may be absent (then null); printed as [REDACTED] like every {@link Secret}. */
    public Secret optionalSecret(String name) {
        SettingRead.note(name, Kind.OPTIONAL_SECRET, null, null);
        String value = raw(name);
        return value == null ? null : new Secret(value);
    }

    /** An http(s) URL, or null when the variable is unset. */
    public URI optionalHttpUrl(String name) {
        SettingRead.note(name, Kind.HTTP_URL, null, null);
        String value = raw(name);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(name + "=" + value + " is not an http(s) URL");
        return null;
    }

    /** A problem found by a check across settings, e.g. a URL the chosen provider needs. */
    public void problem(String message) {
        problems.add(message);
    }

    /** Throws with every problem found so far, or returns quietly when there is none. */
    public void finish() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}

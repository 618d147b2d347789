package dev.kyoyu.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of one benchmark ({@code --name=value} or {@code --name value}), read into typed
 * values; every problem (unknown option, bad number) is collected and reported at once by {@link #finish()}.
 */
public final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();
    private final List<String> problems = new ArrayList<>();

    public Options(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("unexpected argument '" + arg + "' (options look like --name=value)");
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                values.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                values.put(arg.substring(2), args.get(++i));
            } else {
                values.put(arg.substring(2), "true");
            }
        }
    }

    public long number(String name, long defaultValue, long min, long max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = parseCount(value);
            if (parsed < min || parsed > max) {
                problems.add("--" + name + "=" + value + " is outside " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add("--" + name + "=" + value + " is not a whole number (e.g. 1000000, 1m, 10M, 100k)");
            return defaultValue;
        }
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return (int) number(name, defaultValue, min, max);
    }

    /** Whole seconds, e.g. {@code 45} or {@code 45s}, or {@code 2m}. */
    public Duration seconds(String name, Duration defaultValue) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
        } catch (NumberFormatException e) {
            problems.add("--" + name + "=" + value + " is not a duration in seconds (e.g. 45 or 2m)");
            return defaultValue;
        }
    }

    public String string(String name, String defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    public boolean flag(String name) {
        String value = raw(name);
        if (value == null) {
            return false;
        }
        if (!value.equals("true") && !value.equals("false")) {
            problems.add("--" + name + " takes no value (or =true/=false); got '" + value + "'");
        }
        return value.equals("true");
    }

    /** A comma-separated list whose every element must be one of {@code allowed}. */
    public List<String> list(String name, List<String> defaultValue, Set<String> allowed) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        List<String> items = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String item : items) {
            if (!allowed.contains(item)) {
                problems.add("--" + name + ": unknown item '" + item + "' (known: " + String.join(", ", allowed) + ")");
            }
        }
        if (items.isEmpty()) {
            problems.add("--" + name + " is empty");
        }
        return items;
    }

    /** A comma-separated list of whole numbers. */
    public List<Integer> integers(String name, List<Integer> defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        List<Integer> items = new ArrayList<>();
        for (String item : value.split(",")) {
            try {
                int parsed = (int) parseCount(item.trim());
                if (parsed < min || parsed > max) {
                    problems.add("--" + name + ": " + parsed + " is outside " + min + ".." + max);
                }
                items.add(parsed);
            } catch (NumberFormatException e) {
                problems.add("--" + name + ": '" + item + "' is not a whole number");
            }
        }
        return items;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws with every problem, including options nobody asked for (a typo must not be ignored). */
    public void finish() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                problems.add("unknown option --" + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
    }

    private String raw(String name) {
        read.add(name);
        return values.get(name);
    }

    /** A space-separated list, e.g. JVM flags; empty for a blank string. */
    public static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /** {@code 1000}, {@code 1_000}, {@code 100k}, {@code 10m} / {@code 10M} (millions). */
    static long parseCount(String value) {
        String v = value.replace("_", "");
        long factor = 1;
        char last = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
        if (last == 'k' || last == 'K') {
            factor = 1_000;
        } else if (last == 'm' || last == 'M') {
            factor = 1_000_000;
        }
        if (factor > 1) {
            v = v.substring(0, v.length() - 1);
        }
        return Math.multiplyExact(Long.parseLong(v), factor);
    }

    /** Bad command line: the message lists every problem; exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(List<String> problems) {
            super(String.join("\n", problems));
        }
    }
}

package dev.kyoyu.system.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Metric names on both sides: those PromQL expressions read, and those the services' code registers with
 * Micrometer, compared under the Prometheus names Micrometer gives them (dots to underscores; {@code _total} on
 * counters, {@code _seconds} on timers, the base unit on the rest; {@code _bucket}, {@code _count}, {@code _sum},
 * {@code _max} on the series of a histogram).
 */
final class MetricNames {
    /** Metrics Prometheus makes itself, not the services. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern KYOYU_METRIC = Pattern.compile("\\bkyoyu_[a-z0-9_]+");
    /** An identifier right before a selector's braces: a metric name, whoever makes it. */
    private static final Pattern SELECTED = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{");
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");
    private static final Pattern TYPE_SUFFIX = Pattern.compile("_(total|seconds)$");
    private static final Pattern UNIT_SUFFIX = Pattern.compile("_(bytes|ratio|records|events|seconds)$");

    /** A meter name in Java: "kyoyu.events" alone, or a piece of one ("kyoyu.events" + ".batch.size"). */
    private static final Pattern JAVA_NAME = Pattern.compile("\"(kyoyu[a-z0-9_.]*)\"");
    private static final Pattern JAVA_TAIL = Pattern.compile("\\+\\s*\"(\\.?[a-z0-9_]+(?:\\.[a-z0-9_]+)*)\"");

    private MetricNames() {
    }

    /** The metric names an expression reads: every kyoyu_* name, and every other name a selector names. */
    static Set<String> inExpression(String promql) {
        String code = STRING_LITERAL.matcher(promql).replaceAll("\"\"");
        Set<String> names = new TreeSet<>();
        Matcher kyoyu = KYOYU_METRIC.matcher(code);
        while (kyoyu.find()) {
            names.add(kyoyu.group());
        }
        Matcher selected = SELECTED.matcher(code);
        while (selected.find()) {
            names.add(selected.group(1));
        }
        return names;
    }

    /**
     * The Prometheus-style base names of every meter the services' main sources name: each literal starting with
     * "kyoyu", and each such literal joined with a literal appended to it in the same file (ShellMeters builds
     * "kyoyu.events" + ".dead.lettered"). Over-generous by design: a renamed meter still drops out.
     */
    static Set<String> inCode(Path repo) throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        Set<String> heads = new TreeSet<>();
        Set<String> tails = new TreeSet<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            JAVA_NAME.matcher(text).results().forEach(m -> heads.add(m.group(1)));
            JAVA_TAIL.matcher(text).results().forEach(m -> tails.add(m.group(1)));
        }
        for (String head : heads) {
            names.add(prometheus(head));
            for (String tail : tails) {
                if (head.endsWith(".") != tail.startsWith(".")) {
                    names.add(prometheus(head + tail));
                }
            }
        }
        return names;
    }

    /**
     * Whether a scraped name is one of the base names: as is, or without the suffixes Micrometer adds
     * (series, then type, then unit).
     */
    static boolean matches(String scraped, Set<String> baseNames) {
        String name = scraped;
        if (baseNames.contains(name)) {
            return true;
        }
        for (Pattern suffix : List.of(SERIES_SUFFIX, TYPE_SUFFIX, UNIT_SUFFIX)) {
            name = suffix.matcher(name).replaceFirst("");
            if (baseNames.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static String prometheus(String micrometerName) {
        return micrometerName.replace('.', '_').replaceAll("_+", "_").replaceAll("_$", "");
    }
}

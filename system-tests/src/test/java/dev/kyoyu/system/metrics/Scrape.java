package dev.kyoyu.system.metrics;

import dev.kyoyu.testsupport.HttpJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a service's /metrics, parsed into series: enough of the Prometheus text format for Kyoyu's meters. */
record Scrape(String text, List<Series> series) {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    record Series(String name, Map<String, String> labels, double value) {
        boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    static Scrape of(int port) {
        return parse(new HttpJson(port).get("/metrics", null).raw().body());
    }

    static Scrape parse(String text) {
        List<Series> series = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new Scrape(text, series);
    }

    List<Series> all(String name, Map<String, String> labels) {
        return series.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    }

    /** The value of the one series of {@code name} with these labels (among others); fails when there is not exactly one. */
    double value(String name, Map<String, String> labels) {
        List<Series> found = all(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " series " + name + labels + " in\n" + lines(name));
        }
        return found.getFirst().value();
    }

    double value(String name) {
        return value(name, Map.of());
    }

    /** The scraped lines of one metric, for failure messages. */
    String lines(String name) {
        return String.join("\n", text.lines().filter(l -> l.startsWith(name)).toList());
    }
}

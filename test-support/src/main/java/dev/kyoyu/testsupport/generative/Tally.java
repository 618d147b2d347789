package dev.kyoyu.testsupport.generative;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts of generated cases per family and outcome, and the findings themselves, for the closing report. */
public final class Tally {
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final List<String> findings = Collections.synchronizedList(new ArrayList<>());

    public synchronized void add(GeneratedCase input, Verdict verdict) {
        counts.computeIfAbsent(input.family(), f -> new TreeMap<>()).merge(verdict.outcome(), 1, Integer::sum);
        if (!verdict.ok()) {
            findings.add(input + "\n    => " + verdict);
        }
    }

    public synchronized int total() {
        return counts.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    public List<String> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    /** A plain-text table: one line per family with its total and each outcome's count. */
    public synchronized String table() {
        StringBuilder out = new StringBuilder(String.format("%-20s %7s  %s%n", "family", "cases", "outcomes"));
        counts.forEach((family, outcomes) -> out.append(String.format("%-20s %7d  %s%n", family,
                outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes)));
        out.append(String.format("%-20s %7d  %d findings%n", "total", total(), findings.size()));
        return out.toString();
    }
}

package dev.kyoyu.system.hostile;

import java.util.Map;
import java.util.TreeMap;

/** Cases per family and API, printed at the end of the run: the numbers for the closing note. */
final class CaseCounts {
    private static final Map<String, Map<String, Integer>> COUNTS = new TreeMap<>();

    private CaseCounts() {
    }

    static synchronized void count(String api, String family) {
        COUNTS.computeIfAbsent(family, f -> new TreeMap<>()).merge(api, 1, Integer::sum);
    }

    static synchronized String table(String title) {
        StringBuilder out = new StringBuilder(title).append('\n');
        int total = 0;
        for (Map.Entry<String, Map<String, Integer>> family : COUNTS.entrySet()) {
            int sum = family.getValue().values().stream().mapToInt(Integer::intValue).sum();
            total += sum;
            out.append(String.format("  %-22s %5d  %s%n", family.getKey(), sum, family.getValue()));
        }
        return out.append(String.format("  %-22s %5d%n", "total", total)).toString();
    }
}

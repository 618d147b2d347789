package dev.kyoyu.bench.query;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recall@k of an approximate nearest-neighbour answer against the exact one for the same query vector: the share
 * of the exact top k that the approximate top k found. Ties at the k-th distance are not misses: a returned row
 * exactly as near as the exact k-th (another decision with the same text, say) is as correct as the one it displaced.
 */
final class Recall {
    /** Distances within this of each other count as equal (float rounding between two plans of one query). */
    static final double TIE = 1e-6;

    /** A ranked answer: ids and their distances, nearest first. */
    record Ranked(List<String> ids, List<Double> distances) {
        Ranked {
            if (ids.size() != distances.size()) {
                throw new IllegalArgumentException(ids.size() + " ids but " + distances.size() + " distances");
            }
        }

        int size() {
            return ids.size();
        }
    }

    private Recall() {
    }

    /** Plain recall@k by ids; 1 when the exact answer is empty (nothing to find, nothing missed). */
    static double atK(List<String> approximate, List<String> exact, int k) {
        List<String> truth = exact.subList(0, Math.min(k, exact.size()));
        if (truth.isEmpty()) {
            return 1.0;
        }
        Set<String> found = new HashSet<>(approximate.subList(0, Math.min(k, approximate.size())));
        long hits = truth.stream().filter(found::contains).count();
        return (double) hits / truth.size();
    }

    /**
     * Tie-aware recall@k: an approximate hit counts when it is in the exact top k, or when its exact distance is
     * no larger than the exact k-th distance. {@code approximateDistances} are those the approximate plan reported.
     */
    static double atK(Ranked approximate, Ranked exact, int k) {
        int n = Math.min(k, exact.size());
        if (n == 0) {
            return 1.0;
        }
        Set<String> truth = new HashSet<>(exact.ids().subList(0, n));
        double kth = exact.distances().get(n - 1);
        int hits = 0;
        for (int i = 0; i < Math.min(k, approximate.size()); i++) {
            if (truth.contains(approximate.ids().get(i)) || approximate.distances().get(i) <= kth + TIE) {
                hits++;
            }
        }
        return (double) Math.min(hits, n) / n;
    }

    static double mean(List<Double> recalls) {
        return recalls.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}

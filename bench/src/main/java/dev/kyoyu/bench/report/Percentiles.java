package dev.kyoyu.bench.report;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of measurements (latencies in nanoseconds, sizes in bytes). */
public final class Percentiles {
    private final long[] sorted;

    public Percentiles(long[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The smallest value with at least {@code p} percent of the values at or below it; 0 when empty. */
    public long at(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** Every value, ascending (a copy). */
    public long[] values() {
        return sorted.clone();
    }

    public long max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    public double mean() {
        return sorted.length == 0 ? 0 : Arrays.stream(sorted).average().orElse(0);
    }
}

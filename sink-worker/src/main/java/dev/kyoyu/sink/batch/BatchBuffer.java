package dev.kyoyu.sink.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides when a micro-batch is due: at {@code maxItems}, or when the oldest item has waited
 * {@code maxAgeNanos}. Time is passed in, so the rules are testable without a clock or a broker.
 */
public final class BatchBuffer<T> {
    private final int maxItems;
    private final long maxAgeNanos;
    private final List<T> items = new ArrayList<>();
    private long oldestAddedAt;

    public BatchBuffer(int maxItems, long maxAgeNanos) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be at least 1");
        }
        this.maxItems = maxItems;
        this.maxAgeNanos = maxAgeNanos;
    }

    public void add(T item, long nowNanos) {
        if (items.isEmpty()) {
            oldestAddedAt = nowNanos;
        }
        items.add(item);
    }

    public boolean isFull() {
        return items.size() >= maxItems;
    }

    public boolean isDue(long nowNanos) {
        return isFull() || (!items.isEmpty() && nowNanos - oldestAddedAt >= maxAgeNanos);
    }

    /** How long the caller may block waiting for more items before the batch falls due. */
    public long nanosUntilDue(long nowNanos) {
        if (items.isEmpty()) {
            return maxAgeNanos;
        }
        return Math.max(0, oldestAddedAt + maxAgeNanos - nowNanos);
    }

    public List<T> items() {
        return List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    public void clear() {
        items.clear();
    }

    /** Forget items that match, e.g. records of partitions this worker no longer owns. */
    public void removeIf(Predicate<T> predicate) {
        items.removeIf(predicate);
    }
}

package dev.kyoyu.sink.batch;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The micro-batch being filled: its items, their rows already formatted for COPY where they have one (so
 * formatting happens while the previous batch is being written), and the offset each partition reaches with
 * it. Decides when it is due: at {@code maxEvents}, or when its first record has waited {@code maxAgeNanos};
 * but while the worker is behind (more records already wait in Kafka), it takes up to {@code catchUpMaxEvents}
 * first: those records cost no waiting, and fewer, larger transactions drain a backlog faster (bench sink).
 * Time is passed in, so the rules are testable without a clock, a broker or a database.
 */
public final class PendingBatch<T> {
    private final BatchItems<T> kind;
    private final int maxEvents;
    private final int catchUpMaxEvents;
    private final long maxAgeNanos;
    private final List<T> items = new ArrayList<>();
    private ByteArrayOutputStream rows;
    private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    private long openedAt;

    /** @param catchUpMaxEvents the most a batch holds, reached only while the worker is behind */
    public PendingBatch(BatchItems<T> kind, int maxEvents, int catchUpMaxEvents, long maxAgeNanos) {
        if (maxEvents < 1 || catchUpMaxEvents < maxEvents) {
            throw new IllegalArgumentException("need 1 <= maxEvents <= catchUpMaxEvents, not " + maxEvents + ", " + catchUpMaxEvents);
        }
        this.kind = kind;
        this.maxEvents = maxEvents;
        this.catchUpMaxEvents = catchUpMaxEvents;
        this.maxAgeNanos = maxAgeNanos;
        this.rows = newRows();
    }

    /** An empty batch with the same limits. */
    public PendingBatch<T> next() {
        return new PendingBatch<>(kind, maxEvents, catchUpMaxEvents, maxAgeNanos);
    }

    /** Sized for a full batch of typical events, so that filling it does not copy it over and over. */
    private ByteArrayOutputStream newRows() {
        return new ByteArrayOutputStream(Math.min(maxEvents, 4096) * 768);
    }

    /**
     * Formats the item's row first: if that throws (a value no row can hold), the batch is left as it was and
     * the caller dead-letters the record.
     */
    public void add(T item, long nowNanos) {
        kind.format(item, rows);
        opened(nowNanos);
        items.add(item);
        nextOffsets.put(kind.partitionOf(item), kind.offsetOf(item) + 1);
    }

    /** A record that is not stored (it went to the dead-letter topic) still moves its partition's offset. */
    public void skip(TopicPartition partition, long offset, long nowNanos) {
        opened(nowNanos);
        nextOffsets.put(partition, offset + 1);
    }

    private void opened(long nowNanos) {
        if (nextOffsets.isEmpty()) {
            openedAt = nowNanos;
        }
    }

    public boolean isEmpty() {
        return nextOffsets.isEmpty();
    }

    /** As large as a batch gets: fetch no more until it is handed over. */
    public boolean isFull() {
        return items.size() >= catchUpMaxEvents;
    }

    /** Whether it holds {@code maxEvents}, the size at which it is due unless the worker is behind. */
    public boolean isAtTarget() {
        return items.size() >= maxEvents;
    }

    /** @param behind whether another batch's worth of records already waits in Kafka */
    public boolean isDue(long nowNanos, boolean behind) {
        return isFull() || (isAtTarget() && !behind) || (!isEmpty() && nowNanos - openedAt >= maxAgeNanos);
    }

    /** How long the caller may block waiting for more records before the batch falls due. */
    public long nanosUntilDue(long nowNanos) {
        return isEmpty() ? maxAgeNanos : Math.max(0, openedAt + maxAgeNanos - nowNanos);
    }

    public int size() {
        return items.size();
    }

    public List<T> items() {
        return items;
    }

    public byte[] rows() {
        return rows.toByteArray();
    }

    public Map<TopicPartition, Long> nextOffsets() {
        return nextOffsets;
    }

    /**
     * Drops what belongs to partitions this worker no longer owns: their offsets were not stored, so the
     * new owner reads those records again from PostgreSQL's position.
     */
    public void forget(Collection<TopicPartition> partitions) {
        nextOffsets.keySet().removeAll(partitions);
        if (items.removeIf(item -> partitions.contains(kind.partitionOf(item)))) {
            rows = newRows();
            items.forEach(item -> kind.format(item, rows));
        }
    }

    /** A batch that failed to write goes first, and the one filled meanwhile follows it, in log order. */
    public static <T> PendingBatch<T> merge(PendingBatch<T> earlier, PendingBatch<T> later) {
        PendingBatch<T> merged = earlier.next();
        merged.openedAt = earlier.openedAt;
        merged.items.addAll(earlier.items);
        merged.items.addAll(later.items);
        merged.rows.writeBytes(earlier.rows.toByteArray());
        merged.rows.writeBytes(later.rows.toByteArray());
        merged.nextOffsets.putAll(earlier.nextOffsets);
        merged.nextOffsets.putAll(later.nextOffsets);
        return merged;
    }
}

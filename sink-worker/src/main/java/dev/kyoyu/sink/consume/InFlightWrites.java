package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.batch.PendingBatch;
import dev.kyoyu.sink.copy.EarlierWrites;
import dev.kyoyu.sink.copy.WriteTicket;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The batches {@link ConsumeShell} has handed to its writer threads, oldest first: they commit in this order.
 * Used by the consume thread only.
 */
final class InFlightWrites<T> {
    /** A batch being written, and what its commit will mean. */
    record InFlight<T>(PendingBatch<T> batch, Map<TopicPartition, OffsetStore.Advance> advances,
                       WriteTicket ticket, long startedNanos, BatchTracing.BatchSpan span) {
    }

    private final Deque<InFlight<T>> batches = new ArrayDeque<>();

    boolean isEmpty() {
        return batches.isEmpty();
    }

    int size() {
        return batches.size();
    }

    boolean oldestIsDone() {
        return !batches.isEmpty() && batches.peekFirst().ticket().outcome().isDone();
    }

    InFlight<T> pollOldest() {
        return batches.pollFirst();
    }

    void add(InFlight<T> batch) {
        batches.addLast(batch);
    }

    /** The writes a new batch must wait for before it moves offsets. */
    EarlierWrites earlier() {
        return new EarlierWrites(batches.stream().map(InFlight::ticket).toList());
    }

    /**
     * Where a partition's offset will be once these batches commit, that is where the next batch moves it from:
     * {@code stored} when none of them moves it.
     */
    Long expectedOffset(TopicPartition partition, Long stored) {
        for (Iterator<InFlight<T>> newestFirst = batches.descendingIterator(); newestFirst.hasNext(); ) {
            OffsetStore.Advance advance = newestFirst.next().advances().get(partition);
            if (advance != null) {
                return advance.next();
            }
        }
        return stored;
    }
}

package dev.kyoyu.sink.batch;

import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.TopicPartition;

/** What a {@link PendingBatch} needs to know of the items it holds: where each was read, and its row if it has one. */
public interface BatchItems<T> {
    TopicPartition partitionOf(T item);

    long offsetOf(T item);

    /**
     * Appends the item's row, formatted ahead of the write, or nothing for items written another way. Throws
     * (leaving {@code rows} as it was) when the item has no row: the caller dead-letters it.
     */
    void format(T item, ByteArrayOutputStream rows);
}

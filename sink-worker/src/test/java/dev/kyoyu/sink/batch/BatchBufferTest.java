package dev.kyoyu.sink.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBufferTest {
    private static final long MS = 1_000_000;

    @Test
    void flushesWhenBatchIsFull() {
        BatchBuffer<Integer> buffer = new BatchBuffer<>(3, 100 * MS);
        buffer.add(1, 0);
        buffer.add(2, 0);
        assertFalse(buffer.isDue(0));
        buffer.add(3, 0);
        assertTrue(buffer.isFull());
        assertTrue(buffer.isDue(0));
    }

    @Test
    void flushesWhenTheOldestItemHasWaitedMaxAge() {
        BatchBuffer<Integer> buffer = new BatchBuffer<>(1000, 100 * MS);
        buffer.add(1, 10 * MS);
        buffer.add(2, 90 * MS);
        assertFalse(buffer.isDue(109 * MS));
        assertEquals(1 * MS, buffer.nanosUntilDue(109 * MS));
        assertTrue(buffer.isDue(110 * MS), "age counts from the oldest item, not the newest");
    }

    @Test
    void anEmptyBufferIsNeverDue() {
        BatchBuffer<Integer> buffer = new BatchBuffer<>(1, 100 * MS);
        assertFalse(buffer.isDue(Long.MAX_VALUE / 2));
        assertEquals(100 * MS, buffer.nanosUntilDue(0));
    }

    @Test
    void clearStartsANewBatchAndRemoveIfDropsOnlyMatches() {
        BatchBuffer<Integer> buffer = new BatchBuffer<>(10, 100 * MS);
        buffer.add(1, 0);
        buffer.add(2, 0);
        buffer.add(3, 0);
        buffer.removeIf(i -> i % 2 == 1);
        assertEquals(List.of(2), buffer.items());
        buffer.clear();
        assertEquals(0, buffer.size());
        buffer.add(4, 500 * MS);
        assertFalse(buffer.isDue(550 * MS), "age restarts with the first item after a clear");
    }
}

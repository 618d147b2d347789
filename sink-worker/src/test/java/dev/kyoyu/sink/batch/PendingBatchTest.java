package dev.kyoyu.sink.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.copy.EventCopyWriter;
import dev.kyoyu.sink.copy.EventRows;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PendingBatchTest {
    private static final long MS = 1_000_000;
    private static final String TOPIC = "t";
    private static final EventRows ROWS = new EventRows(TOPIC);

    private static PositionedEvent event(int partition, long offset) {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        return new PositionedEvent(new AgentEvent(EventIds.newId(), EventIds.newId(), "a", "Step", now, now,
                EventJson.MAPPER.createObjectNode().put("o", offset)), partition, offset);
    }

    @Test
    void flushesWhenBatchIsFull() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 3, 3, 100 * MS);
        batch.add(event(0, 1), 0);
        batch.add(event(0, 2), 0);
        assertFalse(batch.isDue(0, false));
        batch.add(event(1, 7), 0);
        assertTrue(batch.isFull());
        assertTrue(batch.isDue(0, false));
    }

    @Test
    @DisplayName("while the worker is behind, a batch takes up to the catch-up size, and age still bounds it")
    void growsToTheCatchUpSizeWhileBehind() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 2, 4, 100 * MS);
        batch.add(event(0, 1), 0);
        batch.add(event(0, 2), 0);
        assertTrue(batch.isAtTarget());
        assertTrue(batch.isDue(0, false), "caught up: due at maxEvents");
        assertFalse(batch.isDue(0, true), "behind: keeps taking records");
        assertTrue(batch.isDue(100 * MS, true), "but never longer than the max age");
        batch.add(event(0, 3), 0);
        batch.add(event(0, 4), 0);
        assertTrue(batch.isFull());
        assertTrue(batch.isDue(0, true), "due at the catch-up size even while behind");
    }

    @Test
    void flushesWhenTheFirstRecordHasWaitedMaxAge() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 1000, 1000, 100 * MS);
        batch.add(event(0, 1), 10 * MS);
        batch.add(event(0, 2), 90 * MS);
        assertFalse(batch.isDue(109 * MS, false));
        assertEquals(MS, batch.nanosUntilDue(109 * MS));
        assertTrue(batch.isDue(110 * MS, false), "age counts from the first record, not the newest");
    }

    @Test
    void anEmptyBatchIsNeverDueButADeadLetteredRecordMakesItDue() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        assertFalse(batch.isDue(Long.MAX_VALUE / 2, false));
        batch.skip(new TopicPartition(TOPIC, 2), 41, 0);
        assertTrue(batch.isDue(100 * MS, false), "the offset past a dead letter must be stored too");
        assertEquals(Map.of(new TopicPartition(TOPIC, 2), 42L), batch.nextOffsets());
        assertEquals(0, batch.size());
    }

    @Test
    void keepsRowsFormattedAndOffsetsPerPartition() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        PositionedEvent a = event(0, 5);
        PositionedEvent b = event(1, 9);
        batch.add(a, 0);
        batch.add(b, 0);
        assertArrayEquals(EventCopyWriter.format(List.of(a, b)), batch.rows());
        assertEquals(Map.of(new TopicPartition(TOPIC, 0), 6L, new TopicPartition(TOPIC, 1), 10L), batch.nextOffsets());
    }

    @Test
    void forgetsRevokedPartitionsRowsIncluded() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        PositionedEvent kept = event(0, 5);
        batch.add(kept, 0);
        batch.add(event(1, 9), 0);
        batch.forget(List.of(new TopicPartition(TOPIC, 1)));
        assertEquals(List.of(kept), batch.items());
        assertArrayEquals(EventCopyWriter.format(List.of(kept)), batch.rows());
        assertEquals(Map.of(new TopicPartition(TOPIC, 0), 6L), batch.nextOffsets());
    }

    @Test
    void aFailedBatchGoesBeforeTheOneFilledMeanwhile() {
        PendingBatch<PositionedEvent> failed = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        PendingBatch<PositionedEvent> later = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        PositionedEvent first = event(0, 1);
        PositionedEvent second = event(0, 2);
        failed.add(first, 0);
        later.add(second, 50 * MS);
        PendingBatch<PositionedEvent> merged = PendingBatch.merge(failed, later);
        assertEquals(List.of(first, second), merged.items());
        assertArrayEquals(EventCopyWriter.format(List.of(first, second)), merged.rows());
        assertEquals(Map.of(new TopicPartition(TOPIC, 0), 3L), merged.nextOffsets());
        assertTrue(merged.isDue(100 * MS, false), "the merged batch keeps the age of the older one");
    }

    @Test
    @DisplayName("an event whose row cannot be formatted leaves the batch as it was, for the caller to dead-letter it")
    void anUnformattableEventLeavesTheBatchUnchanged() {
        PendingBatch<PositionedEvent> batch = new PendingBatch<>(ROWS, 10, 10, 100 * MS);
        PositionedEvent ordinary = event(0, 1);
        batch.add(ordinary, 0);
        PositionedEvent beyondAnyTimestamp = new PositionedEvent(new AgentEvent(EventIds.newId(), EventIds.newId(), "a", "Step",
                Instant.MAX, Instant.parse("2026-11-22T12:00:00Z"), EventJson.MAPPER.createObjectNode()), 0, 2);
        assertThrows(ArithmeticException.class, () -> batch.add(beyondAnyTimestamp, 0));
        assertEquals(List.of(ordinary), batch.items());
        assertArrayEquals(EventCopyWriter.format(List.of(ordinary)), batch.rows());
        assertEquals(Map.of(new TopicPartition(TOPIC, 0), 2L), batch.nextOffsets());
    }
}

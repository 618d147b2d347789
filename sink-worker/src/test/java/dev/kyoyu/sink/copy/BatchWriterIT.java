package dev.kyoyu.sink.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.IdOrigin;
import dev.kyoyu.sink.SinkTestPools;
import dev.kyoyu.sink.offsets.OffsetStore;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer's ordering rules: a batch moves offsets only from where its worker last left them (fencing off
 * zombies), and a batch written while earlier ones are in flight commits only after them, giving way when
 * it holds rows an earlier one needs.
 */
class BatchWriterIT {
    private static final TopicPartition PARTITION = new TopicPartition("events", 0);
    private TestDatabase db;
    private HikariDataSource pool;
    private BatchWriter writer;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        pool = SinkTestPools.pool(db, "batch-writer-it");
        writer = new BatchWriter(pool, Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
    }

    private static List<PositionedEvent> events(long fromOffset, int count) {
        List<PositionedEvent> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant now = Instant.now();
            list.add(new PositionedEvent(new AgentEvent(EventIds.newId(), EventIds.newId(), "a", "Step", now, now,
                    EventJson.MAPPER.createObjectNode()), PARTITION.partition(), fromOffset + i));
        }
        return list;
    }

    private static BatchWriter.Batch batch(List<PositionedEvent> events, Long expectedStored, WriteTicket ticket,
                                           EarlierWrites earlier) {
        long next = events.getLast().offset() + 1;
        return new BatchWriter.Batch(events, EventCopyWriter.format(events),
                Map.of(PARTITION, new OffsetStore.Advance(expectedStored, next)), ticket, earlier);
    }

    private static BatchWriter.Batch batch(long fromOffset, int count, Long expectedStored) {
        return batch(events(fromOffset, count), expectedStored, new WriteTicket(), EarlierWrites.NONE);
    }

    private long storedOffset() {
        return db.queryLong("SELECT next_offset FROM sink_offsets WHERE topic = 'events' AND kafka_partition = 0");
    }

    @Test
    void aBatchCommitsOnlyFromTheOffsetItsWorkerLastStored() throws Exception {
        assertEquals(5, writer.write(batch(0, 5, null)));
        assertEquals(3, writer.write(batch(5, 3, 5L)));

        // A zombie still believes the partition is at 5 (or was never written): both are refused, rows and all.
        assertThrows(OffsetStore.OffsetsMovedException.class, () -> writer.write(batch(5, 3, 5L)));
        assertThrows(OffsetStore.OffsetsMovedException.class, () -> writer.write(batch(0, 4, null)));

        assertEquals(8, db.queryLong("SELECT count(*) FROM agent_events"));
        assertEquals(8, storedOffset());
    }

    @Test
    void aBatchWrittenWhileAnEarlierOneIsInFlightCommitsOnlyAfterIt() throws Exception {
        assertEquals(5, writer.write(batch(0, 5, null)));
        WriteTicket earlier = new WriteTicket();
        FutureTask<Integer> next = new FutureTask<>(() -> writer.write(
                batch(events(8, 2), 8L, new WriteTicket(), new EarlierWrites(List.of(earlier)))));
        Thread writing = Thread.ofPlatform().name("next-batch").start(next);

        // Its rows are in, uncommitted, and it waits for the batch before it.
        Await.until(Duration.ofSeconds(10), "the next batch waiting for the earlier one",
                () -> writing.getState() == Thread.State.TIMED_WAITING && !next.isDone());
        assertEquals(5, db.queryLong("SELECT count(*) FROM agent_events"));

        // The earlier batch (offsets 5..7) commits; here, by hand.
        db.queryLong("UPDATE sink_offsets SET next_offset = 8 WHERE topic = 'events' AND kafka_partition = 0 RETURNING 1");
        earlier.outcome().complete(3);
        assertEquals(2, next.get(10, TimeUnit.SECONDS));
        assertEquals(7, db.queryLong("SELECT count(*) FROM agent_events"));
        assertEquals(10, storedOffset());
    }

    @Test
    void aBatchWhoseEarlierWriteFailedStoresNothing() throws Exception {
        assertEquals(5, writer.write(batch(0, 5, null)));
        WriteTicket earlier = new WriteTicket();
        earlier.outcome().completeExceptionally(new SQLException("connection lost"));

        assertThrows(EarlierWrites.EarlierWriteFailedException.class,
                () -> writer.write(batch(events(8, 2), 8L, new WriteTicket(), new EarlierWrites(List.of(earlier)))));
        assertEquals(5, db.queryLong("SELECT count(*) FROM agent_events"));
        assertEquals(5, storedOffset());
    }

    @Test
    void aBatchHoldingRowsAnEarlierOneNeedsGivesWay() throws Exception {
        // A client retried an event: one copy ends the earlier batch, the other starts the later one.
        Instant at = Instant.now();
        AgentEvent retried = new AgentEvent(EventIds.newId(), EventIds.newId(), "a", "Step", at, at,
                EventJson.MAPPER.createObjectNode(), IdOrigin.IDEMPOTENCY_KEY);
        List<PositionedEvent> first = new ArrayList<>(events(0, 4));
        first.add(new PositionedEvent(retried, 0, 4));
        List<PositionedEvent> second = new ArrayList<>(List.of(new PositionedEvent(retried, 0, 5)));
        second.addAll(events(6, 3));
        WriteTicket earlierTicket = new WriteTicket();

        // The later batch gets its rows in first, then waits for the earlier one...
        FutureTask<Integer> later = new FutureTask<>(() -> writer.write(
                batch(second, 5L, new WriteTicket(), new EarlierWrites(List.of(earlierTicket)))));
        Thread laterThread = Thread.ofPlatform().name("later-batch").start(later);
        Await.until(Duration.ofSeconds(10), "the later batch waiting", () -> laterThread.getState() == Thread.State.TIMED_WAITING);

        // ...which then needs the retried event's key, held by the later batch: the later one must give way.
        Thread.ofPlatform().name("earlier-batch").start(() -> earlierTicket.settle(() -> writer.write(
                batch(first, null, earlierTicket, EarlierWrites.NONE))));
        assertEquals(5, earlierTicket.outcome().get(30, TimeUnit.SECONDS));
        ExecutionException gaveWay = assertThrows(ExecutionException.class, () -> later.get(30, TimeUnit.SECONDS));
        assertInstanceOf(EarlierWrites.GaveWayException.class, gaveWay.getCause());

        // Written again after it, the later batch skips the copy already stored.
        assertEquals(3, writer.write(batch(second, 5L, new WriteTicket(), EarlierWrites.NONE)));
        assertEquals(8, db.queryLong("SELECT count(*) FROM agent_events"));
        assertEquals(9, storedOffset());
    }
}

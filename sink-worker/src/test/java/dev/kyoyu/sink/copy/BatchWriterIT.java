package dev.kyoyu.sink.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.SinkTestPools;
import dev.kyoyu.sink.offsets.OffsetStore;
import dev.kyoyu.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker that lost its partitions without noticing cannot write them: the offsets fence it off. */
class BatchWriterIT {
    private static final TopicPartition PARTITION = new TopicPartition("events", 0);
    private TestDatabase db;
    private HikariDataSource pool;
    private BatchWriter writer;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        pool = SinkTestPools.pool(db, "fence-it");
        writer = new BatchWriter(pool, Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
    }

    private static BatchWriter.Batch batch(long fromOffset, int events, Long expectedStored) {
        List<PositionedEvent> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            Instant now = Instant.now();
            list.add(new PositionedEvent(new AgentEvent(EventIds.newId(), EventIds.newId(), "a", "Step", now, now,
                    EventJson.MAPPER.createObjectNode()), PARTITION.partition(), fromOffset + i));
        }
        return new BatchWriter.Batch(list, EventCopyWriter.format(list),
                Map.of(PARTITION, new OffsetStore.Advance(expectedStored, fromOffset + events)));
    }

    @Test
    void aBatchCommitsOnlyFromTheOffsetItsWorkerLastStored() throws Exception {
        assertEquals(5, writer.write(batch(0, 5, null)));
        assertEquals(3, writer.write(batch(5, 3, 5L)));

        // A zombie still believes the partition is at 5 (or was never written): both are refused, rows and all.
        assertThrows(OffsetStore.OffsetsMovedException.class, () -> writer.write(batch(5, 3, 5L)));
        assertThrows(OffsetStore.OffsetsMovedException.class, () -> writer.write(batch(0, 4, null)));

        assertEquals(8, db.queryLong("SELECT count(*) FROM agent_events"));
        assertEquals(8, db.queryLong("SELECT next_offset FROM sink_offsets WHERE topic = 'events' AND kafka_partition = 0"));
    }
}

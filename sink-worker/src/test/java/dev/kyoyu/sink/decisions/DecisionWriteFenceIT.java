package dev.kyoyu.sink.decisions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.sink.SinkTestPools;
import dev.kyoyu.sink.consume.SavepointBatchWrite;
import dev.kyoyu.sink.offsets.OffsetStore;
import dev.kyoyu.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decisions path is fenced like the events path: a worker moves an offset only from where it left it. */
class DecisionWriteFenceIT {
    private static final TopicPartition PARTITION = new TopicPartition("decisions", 1);
    private TestDatabase db;
    private HikariDataSource pool;
    private SavepointBatchWrite<StreamItem> writer;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        pool = SinkTestPools.pool(db, "decisions-fence-it");
        writer = new SavepointBatchWrite<>(pool, new StreamItemRows());
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
    }

    @Test
    void aWorkerThatLostItsPartitionCannotMoveItsOffset() throws Exception {
        writer.write(List.of(), Map.of(PARTITION, new OffsetStore.Advance(null, 5)));
        writer.write(List.of(), Map.of(PARTITION, new OffsetStore.Advance(5L, 9)));

        // A zombie that still believes the partition is at 5, or that nothing was stored, is refused.
        assertThrows(OffsetStore.OffsetsMovedException.class,
                () -> writer.write(List.of(), Map.of(PARTITION, new OffsetStore.Advance(5L, 7))));
        assertThrows(OffsetStore.OffsetsMovedException.class,
                () -> writer.write(List.of(), Map.of(PARTITION, new OffsetStore.Advance(null, 3))));

        assertEquals(9, writer.storedOffsets(List.of(PARTITION)).get(PARTITION));
    }
}

package dev.kyoyu.bench.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.TestBenchEnv;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench sink}'s peer harness on the real broker and database: preloaded events copied with a schema, Kafka
 * Connect and Debezium's JDBC sink started from bench-peer's target/lib on the connector's defaults, and every event
 * stored exactly as a raw COPY of the same records in the sink's own row format stores it (same count, same hash
 * over every column, so PeerTopic's timestamps round as the sink's do). Not a performance gate.
 */
class DebeziumPeerIT {
    private static final long EVENTS = 3_000;
    private static final int PARTITIONS = 3;

    @Test
    void debeziumOnItsDefaultsStoresEveryEventAsTheSinksRawCopyDoes(@TempDir Path scratch) throws Exception {
        BenchEnv env = TestBenchEnv.onTestStack();
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), false)) {
            String events = topics.create("sink", PARTITIONS);
            String peerTopic = topics.create("sink-peer", PARTITIONS);
            assertEquals(EVENTS, Preloader.preload(env.kafkaBootstrap(), events, EVENTS, 20, null).events());
            assertEquals(EVENTS, PeerTopic.copy(env.kafkaBootstrap(), events, peerTopic, EVENTS).records());

            DebeziumRun.Result peer = DebeziumRun.run(env, DebeziumRun.CONFIGS.get("dbz"), peerTopic, EVENTS, false, true,
                    new CpuMeter(), scratch);

            assertEquals(EVENTS, peer.storedRows(), "rows Debezium stored");
            assertEquals(rawCopyChecksum(env, events, scratch.resolve("agent_events.binary")), peer.checksum());
        }
    }

    private static String rawCopyChecksum(BenchEnv env, String topic, Path copyFile) throws Exception {
        assertEquals(EVENTS, CopyFile.write(env.kafkaBootstrap(), topic, EVENTS, Map.of(CopyFormat.BINARY, copyFile)).rows());
        try (BenchDatabase raw = BenchDatabase.create(env, "raw", false)) {
            assertEquals(EVENTS, RawCopy.copyBinary(raw, copyFile, new CpuMeter()).rows(), "rows the raw COPY stored");
            return SinkRun.checksum(raw);
        }
    }
}

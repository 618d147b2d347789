package dev.kyoyu.sink.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ./kyoyu replay re-sinks a time range of the topic, adding what is missing and doubling nothing. */
class ReplayIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private TestDatabase db;
    private String topic;
    private HikariDataSource pool;
    private TopicReplay replay;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        topic = TestTopics.create("replay", 3);
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", topic,
                "KYOYU_PG_URL", db.url(),
                "KYOYU_PG_USER", TestStack.pgUser(),
                "KYOYU_PG_PASSWORD", TestStack.pgPassword()));
        pool = SinkApp.pool(config, "replay-it", 1);
        replay = new TopicReplay(config.kafkaBootstrap(), topic, new BatchWriter(pool, config.clientRetryWindow()), 7);
        // Thirty events, one a second from T0, with Kafka timestamps to match.
        try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            UUID runId = EventIds.newId();
            for (int i = 0; i < 30; i++) {
                Instant at = T0.plusSeconds(i);
                String agent = "agent-" + (i % 4);
                AgentEvent event = new AgentEvent(EventIds.newId(), runId, agent, "Step", at, at,
                        EventJson.MAPPER.createObjectNode().put("i", i));
                producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), agent, EventJson.toBytes(event)));
            }
            producer.send(new ProducerRecord<>(topic, null, T0.plusSeconds(30).toEpochMilli(), "agent-x", "poison".getBytes()));
            producer.flush();
        }
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
    }

    private long stored() {
        return db.queryLong("SELECT count(*) FROM agent_events");
    }

    @Test
    void replaysExactlyTheRequestedRangeAndAddsOnlyWhatIsMissing() throws Exception {
        AtomicLong progressed = new AtomicLong();
        TopicReplay.Result middle = replay.run(new ReplayRange(T0.plusSeconds(10), T0.plusSeconds(20)), progressed::addAndGet);
        assertEquals(10, middle.stored());
        assertEquals(0, middle.skippedPoison());
        assertEquals(10, stored());
        assertEquals(10, db.queryLong("SELECT count(*) FROM agent_events WHERE (payload->>'i')::int BETWEEN 10 AND 19"));
        assertEquals(10, progressed.get(), "progress counts every record read");

        TopicReplay.Result all = replay.run(new ReplayRange(T0, null), n -> { });
        assertEquals(31, all.read());
        assertEquals(20, all.stored(), "only the 20 events not stored yet are added");
        assertEquals(1, all.skippedPoison(), "a record that is not an event is skipped, not stored");
        assertEquals(30, stored());

        TopicReplay.Result again = replay.run(new ReplayRange(T0, null), n -> { });
        assertEquals(0, again.stored());
        assertEquals(30, db.queryLong("SELECT count(DISTINCT id) FROM agent_events"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM sink_offsets"), "a replay leaves the live sink's offsets alone");
    }

    @Test
    void aRangeAfterTheLastRecordReplaysNothing() throws Exception {
        assertTrue(replay.plan(new ReplayRange(Instant.now().plus(Duration.ofDays(1)), null)).isEmpty());
    }

    @Test
    void rejectsBadArgumentsWithTheUsage() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ReplayRange.parse(List.of("--to", "2026-01-01T00:00:00Z")));
        assertTrue(missing.getMessage().contains("--from is required"));
        assertThrows(IllegalArgumentException.class, () -> ReplayRange.parse(List.of("--from", "yesterday")));
        assertThrows(IllegalArgumentException.class, () -> ReplayRange.parse(List.of("--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z")));
    }
}

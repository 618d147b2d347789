package dev.kyoyu.sink;

import static dev.kyoyu.sink.SinkRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run row a batch derives from its lifecycle events, whatever order and repetition they come in. */
class RunLifecycleIT {
    private static final String AGENT = "agent-lifecycle";
    private TestDatabase db;
    private String topic;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        topic = TestTopics.create("lifecycle", 1);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /**
     * A client may complete its run twice (a retry without an Idempotency-Key, or completed then failed). Both in
     * one batch once made one multi-row upsert touch the run twice, which PostgreSQL refuses: the worker held that
     * batch for ever and stored nothing more for anyone.
     */
    @Test
    void aRunFinishedTwiceInOneBatchTakesTheLastAndTheWorkerGoesOn() throws Exception {
        UUID run = EventIds.newId();
        ObjectNode start = SinkRecords.event(EventIds.newId(), run, AGENT, EventTypes.RUN_STARTED, EventJson.MAPPER.createObjectNode());
        ObjectNode complete = SinkRecords.event(EventIds.newId(), run, AGENT, EventTypes.RUN_COMPLETED, EventJson.MAPPER.createObjectNode());
        ObjectNode completeAgain = SinkRecords.event(EventIds.newId(), run, AGENT, EventTypes.RUN_COMPLETED, EventJson.MAPPER.createObjectNode());
        ObjectNode fail = SinkRecords.event(EventIds.newId(), run, AGENT, EventTypes.RUN_FAILED, EventJson.MAPPER.createObjectNode());
        ObjectNode after = SinkRecords.ordinary(AGENT, 1);
        // Sent before the worker starts, so its first poll takes them all into one batch.
        try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            for (ObjectNode event : new ObjectNode[] {start, complete, completeAgain, fail, after}) {
                producer.send(new ProducerRecord<>(topic, AGENT, bytes(event))).get(10, TimeUnit.SECONDS);
            }
        }
        Map<String, String> env = ServiceEnv.of(db, topic, TestTopics.create("lifecycle-dlq", 1));
        env.put("KYOYU_SINK_GROUP", "sink-lifecycle-it-" + topic);
        try (SinkApp sink = SinkApp.start(SinkConfig.fromEnv(env))) {
            Await.until(Duration.ofSeconds(30), "the event after the lifecycle stored",
                    () -> db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", SinkRecords.id(after)) == 1);
        }
        assertEquals(5, db.queryLong("SELECT count(*) FROM agent_events WHERE agent_id = ?", AGENT), "every event stored once");
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ? AND status = 'failed' AND completed_at IS NOT NULL", run),
                "the last finish in log order decides the run's status");
    }
}

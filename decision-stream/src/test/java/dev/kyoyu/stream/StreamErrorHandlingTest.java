package dev.kyoyu.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The exception handlers the app configures ({@link StreamApp#properties}): a record that throws is reported on the
 * rejected topic with its source and the exception's message, counted, and the next record is processed.
 */
class StreamErrorHandlingTest {
    private static final String IN = "test.handler-in";
    private static final String OUT = "test.handler-out";

    /** Passes records on, and throws for one, as a processor with a bug no rule foresaw would. */
    private static final class Fragile implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (new String(record.value(), StandardCharsets.UTF_8).contains("boom")) {
                throw new ArithmeticException("long overflow");
            }
            context.forward(record);
        }
    }

    @Test
    void aRecordThatThrowsInProcessingIsRejectedWithItsSourceAndReasonAndTheNextIsProcessed() throws Exception {
        StreamConfig config = StreamConfig.fromEnv(Map.of("KYOYU_KAFKA_BOOTSTRAP", "unused:9092",
                "KYOYU_STREAM_STATE_DIR", Files.createTempDirectory("handler-test").toString()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Properties props = StreamApp.properties(config, new StreamMetrics(registry));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handler-test-" + UUID.randomUUID());
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new ByteArrayDeserializer(), IN);
        topology.addProcessor("fragile", Fragile::new, "in");
        topology.addSink("out", OUT, new StringSerializer(), new ByteArraySerializer(), "fragile");

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(IN, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> out = driver.createOutputTopic(OUT, new StringDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<String, byte[]> rejected = driver.createOutputTopic(config.rejectedTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            AgentEvent poison = new AgentEvent(EventIds.newId(), EventIds.newId(), "agent-h1", "boom", DecisionStreamDriver.T0,
                    DecisionStreamDriver.T0, EventJson.MAPPER.createObjectNode());
            in.pipeInput("agent-h1", "first".getBytes(StandardCharsets.UTF_8));
            in.pipeInput("agent-h1", EventJson.toBytes(poison));
            in.pipeInput("agent-h1", "next".getBytes(StandardCharsets.UTF_8));

            assertEquals(List.of("first", "next"), out.readValuesToList().stream()
                    .map(v -> new String(v, StandardCharsets.UTF_8)).toList(), "the record after the poison is processed");
            List<TestRecord<String, byte[]>> reports = rejected.readRecordsToList();
            assertEquals(1, reports.size());
            TestRecord<String, byte[]> report = reports.get(0);
            assertEquals("agent-h1", report.key());
            assertEquals(IN, DecisionStreamDriver.header(report, "__streams.errors.topic"));
            assertEquals("0", DecisionStreamDriver.header(report, "__streams.errors.partition"));
            assertEquals("1", DecisionStreamDriver.header(report, "__streams.errors.offset"));
            assertEquals("long overflow", DecisionStreamDriver.header(report, "__streams.errors.message"));
            RejectedDecisionEvent value = DecisionStreamDriver.report(report);
            assertEquals("unprocessable", value.reason());
            assertEquals(poison.id(), value.eventId());
            assertEquals(poison.runId(), value.runId());
            assertEquals("boom", value.eventType());
            assertNull(value.field());
            assertTrue(value.message().contains("long overflow"), value.message());
            assertEquals(1, registry.find("kyoyu.decision.events.rejected").tag("reason", "unprocessable").counter().count());
        }
    }

    @Test
    void aRecordOnTheDecisionsTopicThatIsNoDecisionIsSkippedAndCountedAndDetectionGoesOn() {
        // Its report on the rejected topic is asserted against real Kafka (StreamPoisonIT).
        try (DecisionStreamDriver stream = new DecisionStreamDriver()) {
            stream.republishRaw("loan_approval", "{\"id\":\"not a uuid\"}".getBytes(StandardCharsets.UTF_8));
            stream.trace("agent-h2", "loan_approval", "approve", DecisionStreamDriver.T0);
            stream.trace("agent-h3", "loan_approval", "deny", DecisionStreamDriver.T0);
            assertEquals(1, stream.counter("kyoyu.decision.events.rejected", "reason", "unreadable"));
            assertEquals(1, stream.conflicts().size());
        }
    }
}

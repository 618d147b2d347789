package dev.kyoyu.stream.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.stream.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** A record the broker will never take costs only its source record; a broker in trouble still stops the stream. */
class RejectingProductionHandlerTest {
    private static final String SOURCE = "{\"id\":\"01a23d2d-26ba-7cc4-a201-b5e1226c4e98\",\"agent_id\":\"agent-p1\",\"event_type\":\"DecisionMade\"}";

    /** The source record's coordinates, as Kafka Streams hands them over. */
    private record Context(String topic, int partition, long offset) implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "assemble";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return "agent-p1".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] sourceRawValue() {
            return SOURCE.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RejectingProductionHandler handler = new RejectingProductionHandler();

    RejectingProductionHandlerTest() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "test.rejected",
                RejectingHandler.METRICS_CONFIG, new StreamMetrics(registry)));
    }

    @Test
    void aRecordOverTheBrokersLimitIsReportedAndTheStreamResumes() throws Exception {
        ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>("test.decisions", new byte[0], new byte[0]);
        ProductionExceptionHandler.Response response = handler.handleError(new Context("test.events", 2, 41), tooLarge,
                new RecordTooLargeException("The message is 2000000 bytes when serialized"));

        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        ProducerRecord<byte[], byte[]> report = response.deadLetterQueueRecords().get(0);
        assertEquals("test.rejected", report.topic());
        assertEquals("agent-p1", new String(report.key(), StandardCharsets.UTF_8));
        assertEquals("41", new String(report.headers().lastHeader("__streams.errors.offset").value(), StandardCharsets.UTF_8));
        RejectedDecisionEvent value = EventJson.MAPPER.readValue(report.value(), RejectedDecisionEvent.class);
        assertEquals("unpublishable", value.reason());
        assertEquals("DecisionMade", value.eventType());
        assertTrue(value.message().contains("2000000 bytes"), value.message());
        assertEquals(1, registry.find("kyoyu.decision.events.rejected").tag("reason", "unpublishable").counter().count());
    }

    @Test
    void aBrokerThatDoesNotAnswerIsNotBlamedOnTheRecord() {
        ProductionExceptionHandler.Response response = handler.handleError(new Context("test.events", 0, 7),
                new ProducerRecord<>("test.decisions", new byte[0], new byte[0]), new TimeoutException("no answer"));
        assertEquals(ProductionExceptionHandler.Result.FAIL, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
    }
}

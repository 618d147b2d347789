package dev.kyoyu.sink.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.IdOrigin;
import dev.kyoyu.sink.copy.EventCopyWriter;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordDecoderTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00.123456Z");
    private final RecordDecoder decoder = new RecordDecoder();

    private static AgentEvent event(String type, ObjectNode payload) {
        return new AgentEvent(EventIds.newId(), EventIds.newId(), "agent-a", type, NOW, NOW, payload, IdOrigin.IDEMPOTENCY_KEY);
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("events", 2, 41, key, value);
    }

    @Test
    void keepsAPlainEventsPayloadAsItsBytesAndFormatsTheSameRowAsTheTree() throws Exception {
        ObjectNode payload = EventJson.MAPPER.createObjectNode().put("text", "tab\there \\ \"q\" ü\nnext");
        AgentEvent original = event("ToolCalled", payload);
        PositionedEvent decoded = decoder.decode(record("agent-a", EventJson.toBytes(original)));
        assertEquals(original.id(), decoded.event().id());
        assertEquals(IdOrigin.IDEMPOTENCY_KEY, decoded.event().idOrigin());
        assertEquals(2, decoded.partition());
        assertEquals(41, decoded.offset());
        assertArrayEquals(payload.toString().getBytes(StandardCharsets.UTF_8), decoded.payloadJson());
        assertArrayEquals(EventCopyWriter.format(List.of(new PositionedEvent(original, 2, 41))), EventCopyWriter.format(List.of(decoded)));
        assertEquals(original, decoded.withPayload());
    }

    @Test
    void parsesThePayloadOfEventsThatFeedDerivedRows() throws Exception {
        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        payload.putObject("metadata").put("task", "x");
        PositionedEvent decoded = decoder.decode(record("agent-a", EventJson.toBytes(event(EventTypes.RUN_STARTED, payload))));
        assertNull(decoded.payloadJson());
        assertEquals("x", decoded.event().payload().path("metadata").path("task").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[]",
            "{\"id\":\"x\"}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"A\",\"occurred_at\":\"2026-11-22T12:00:00Z\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":[]}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"A\",\"occurred_at\":\"yesterday\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":{}}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"A\",\"occurred_at\":\"0001-01-01T00:00:00Z\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":{}}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"A\",\"occurred_at\":\"2026-11-22T12:00:00Z\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":{\"a\":\"\\u0000\"}}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"DecisionTraced\",\"occurred_at\":\"2026-11-22T12:00:00Z\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":{\"id\":\"0190f0c8-0000-7000-8000-000000000001\"}}",
            "{\"id\":\"0190f0c8-0000-7000-8000-000000000001\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\",\"agent_id\":\"agent-a\",\"event_type\":\"A\",\"occurred_at\":\"2026-11-22T12:00:00Z\",\"received_at\":\"2026-11-22T12:00:00Z\",\"payload\":{}} trailing"
    })
    void refusesWhatCanNeverBeStored(String json) {
        assertThrows(RecordDecoder.PoisonRecordException.class, () -> decoder.decode(record("agent-a", json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void refusesARecordKeyedByAnotherAgent() {
        byte[] value = EventJson.toBytes(event("A", EventJson.MAPPER.createObjectNode()));
        RecordDecoder.PoisonRecordException e = assertThrows(RecordDecoder.PoisonRecordException.class,
                () -> decoder.decode(record("someone-else", value)));
        assertTrue(e.getMessage().contains("someone-else"));
    }

    @Test
    void tellsAnEscapedNulFromAnEscapedBackslashBeforeU0000() {
        assertTrue(RecordDecoder.escapesNul("{\"a\":\"x\\u0000\"}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(RecordDecoder.escapesNul("{\"a\":\"x\\\\u0000\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(RecordDecoder.escapesNul("{\"a\":\"\\\\\\u0000\"}".getBytes(StandardCharsets.UTF_8)));
    }
}

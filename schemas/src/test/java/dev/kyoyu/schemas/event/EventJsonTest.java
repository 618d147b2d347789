package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    @Test
    void roundTripsAnEventWithSnakeCaseFields() throws Exception {
        ObjectNode payload = EventJson.MAPPER.createObjectNode().put("tool", "search");
        AgentEvent event = new AgentEvent(EventIds.newId(), EventIds.newId(), "agent-a", "ToolCalled",
                Instant.parse("2026-11-22T12:00:00.123456Z"), Instant.parse("2026-11-22T12:00:01Z"), payload);
        byte[] bytes = EventJson.toBytes(event);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"run_id\"") && json.contains("\"occurred_at\":\"2026-11-22T12:00:00.123456Z\""), json);
        assertEquals(event, EventJson.fromBytes(bytes));
    }

    @Test
    void refusesARecordThatIsNotAWholeEvent() {
        assertThrows(IOException.class, () -> EventJson.fromBytes("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> EventJson.fromBytes("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> EventJson.fromBytes(null));
    }

    @Test
    void findsNulAnywhereInAPayload() throws Exception {
        assertTrue(EventJson.containsNul(EventJson.MAPPER.readTree("{\"a\":[{\"b\":\"x\\u0000\"}]}")));
        assertTrue(!EventJson.containsNul(EventJson.MAPPER.readTree("{\"a\":[{\"b\":\"\\\\u0000\"}]}")));
    }

    @Test
    void newIdsAreTimeOrdered() {
        var first = EventIds.newId();
        var second = EventIds.newId();
        assertEquals(7, first.version());
        assertTrue(first.toString().compareTo(second.toString()) < 0);
    }
}

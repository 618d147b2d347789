package dev.kyoyu.stream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionEvents;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RelevantEventDeserializerTest {
    private final RelevantEventDeserializer deserializer = new RelevantEventDeserializer();

    private static byte[] event(String type) {
        ObjectNode payload = EventJson.MAPPER.createObjectNode().put("tool", "search").put("n", 3);
        payload.putObject("nested").put("event_type", DecisionEvents.DECISION_MADE);
        return EventJson.toBytes(new AgentEvent(UUID.randomUUID(), UUID.randomUUID(), "agent-1", type, Instant.now(),
                Instant.now(), payload));
    }

    @Test
    void anEventTheAssemblerIgnoresIsNotParsed() {
        assertNull(deserializer.deserialize("events", event("ToolCalled")));
        assertNull(deserializer.deserialize("events", event(EventTypes.RUN_STARTED)));
    }

    @Test
    void decisionAndRunEndEventsAreParsedWhole() {
        for (String type : new String[] {DecisionEvents.DECISION_STARTED, DecisionEvents.DECISION_MADE, EventTypes.DECISION_TRACED,
                EventTypes.RUN_COMPLETED, EventTypes.RUN_FAILED}) {
            AgentEvent event = deserializer.deserialize("events", event(type));
            assertEquals(type, event.eventType());
            assertEquals("search", event.payload().path("tool").asText());
        }
    }

    @Test
    void theTypeIsFoundWhereverItStandsAndNotInsideThePayload() {
        byte[] late = "{\"payload\":{\"event_type\":\"DecisionMade\",\"list\":[1,{\"a\":2}]},\"event_type\":\"Observation\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("Observation", RelevantEventDeserializer.eventType(late));
        assertNull(deserializer.deserialize("events", late));
    }

    @Test
    void whatIsNotAnAgentEventIsStillRejected() {
        for (String value : new String[] {"{not json at all", "[1,2]", "{\"event_type\":\"DecisionMade\"}", "{\"event_type\":7}"}) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> deserializer.deserialize("events", value.getBytes(StandardCharsets.UTF_8)), value);
            assertTrue(e.getMessage().startsWith("not an agent event"), e.getMessage());
        }
        assertThrows(SerializationException.class, () -> deserializer.deserialize("events", null));
    }
}

package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checked-in JSON Schemas say the same as the Java contract: a published schema that drifts is a lie. */
class EventSchemasTest {
    private static final UUID RUN = UUID.fromString("0190f0c8-0000-7000-8000-000000000001");
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static JsonSchema schema(String name) throws Exception {
        try (InputStream in = EventSchemasTest.class.getResourceAsStream("/schemas/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @Test
    void everyRecordTheIngestApiPublishesMatchesTheWireSchema() throws Exception {
        JsonSchema wire = schema("agent-event.v1.schema.json");
        EventValidator validator = new EventValidator(EventLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));
        for (IdAssigner ids : new IdAssigner[] {IdAssigner.server(), IdAssigner.fromIdempotencyKey(new IdKey(new byte[32]), "a", "s", "k")}) {
            AgentEvent event = validator.validate(0, EventJson.MAPPER.readTree(
                    "{\"event_type\":\"ToolCalled\",\"payload\":{\"x\":[1,2]}}"), RUN, "agent-1", ids).event();
            JsonNode record = EventJson.MAPPER.readTree(EventJson.toBytes(event));
            assertEquals(0, wire.validate(record).size(), () -> wire.validate(record).toString());
        }
        ObjectNode missingRun = (ObjectNode) EventJson.MAPPER.readTree(EventJson.toBytes(new AgentEvent(EventIds.newId(), RUN,
                "agent-1", "Ok", NOW, NOW, EventJson.MAPPER.createObjectNode())));
        missingRun.remove("run_id");
        assertFalse(wire.validate(missingRun).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"event_type\":\"ToolCalled\"}",
            "{\"event_type\":\"acme.RiskScored\",\"occurred_at\":\"2026-11-22T11:00:00+02:00\",\"payload\":{}}",
            "{\"event_type\":\"Ok\",\"id\":\"0190f0c8-1111-7000-8000-000000000002\",\"payload\":null}",
            "{\"event_type\":\"Ok\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000001\"}",
            "{}",
            "{\"event_type\":\"tool called\"}",
            "{\"event_type\":\"RunStarted\"}",
            "{\"event_type\":\"Ok\",\"occurred_at\":\"yesterday\"}",
            "{\"event_type\":\"Ok\",\"occurred_at\":\"2026-11-22T12:00:00\"}",
            "{\"event_type\":\"Ok\",\"payload\":[1]}",
            "{\"event_type\":\"Ok\",\"id\":\"1-1-1-1-1\"}",
            "{\"event_type\":\"Ok\",\"extra\":true}",
            "[]"
    })
    void theInputSchemaAcceptsExactlyWhatTheValidatorAccepts(String json) throws Exception {
        JsonSchema input = schema("event-input.v1.schema.json");
        JsonNode node = EventJson.MAPPER.readTree(json);
        boolean schemaAccepts = input.validate(node).isEmpty();
        boolean validatorAccepts = new EventValidator(EventLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC))
                .validate(0, node, RUN, "agent-1", IdAssigner.server()).accepted();
        assertEquals(validatorAccepts, schemaAccepts, json);
    }
}

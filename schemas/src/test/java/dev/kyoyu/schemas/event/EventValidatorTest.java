package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventValidatorTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final UUID RUN = UUID.fromString("0190f0c8-0000-7000-8000-000000000001");
    private final EventValidator validator = new EventValidator(
            new EventLimits(100, Duration.ofMinutes(5)), Clock.fixed(NOW, ZoneOffset.UTC));

    private EventValidator.Outcome validate(String json) throws Exception {
        JsonNode node = EventJson.MAPPER.readTree(json);
        return validator.validate(3, node, RUN, "agent-a", IdAssigner.server());
    }

    @Test
    void acceptsAMinimalEventAndFillsIdAndTimes() throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"ToolCalled\"}");
        assertTrue(outcome.accepted());
        AgentEvent event = outcome.event();
        assertEquals(7, event.id().version(), "server-assigned ids are UUIDv7");
        assertEquals(IdOrigin.SERVER, event.idOrigin());
        assertEquals(NOW, event.occurredAt());
        assertEquals(NOW, event.receivedAt());
        assertEquals("agent-a", event.agentId());
        assertEquals(RUN, event.runId());
        assertTrue(event.payload().isEmpty());
    }

    @Test
    void keepsClientIdTimeAndPayload() throws Exception {
        EventValidator.Outcome outcome = validate("""
                {"event_type":"acme.RiskScored","id":"0190f0c8-1111-7000-8000-000000000002",
                 "occurred_at":"2026-11-22T13:00:00+02:00","payload":{"score":0.7}}""");
        assertTrue(outcome.accepted(), () -> String.valueOf(outcome.rejection()));
        assertEquals(UUID.fromString("0190f0c8-1111-7000-8000-000000000002"), outcome.event().id());
        assertEquals(IdOrigin.CLIENT, outcome.event().idOrigin(), "a client id may come again on a retry");
        assertEquals(Instant.parse("2026-11-22T11:00:00Z"), outcome.event().occurredAt());
        assertEquals(0.7, outcome.event().payload().get("score").asDouble());
    }

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "[]                                                              | INVALID_EVENT       | ",
            "{}                                                              | INVALID_EVENT_TYPE  | event_type",
            "{\"event_type\":42}                                             | INVALID_EVENT_TYPE  | event_type",
            "{\"event_type\":\"tool called\"}                                | INVALID_EVENT_TYPE  | event_type",
            "{\"event_type\":\"RunStarted\"}                                 | INVALID_EVENT_TYPE  | event_type",
            "{\"event_type\":\"Ok\",\"occurred_at\":\"yesterday\"}           | INVALID_OCCURRED_AT | occurred_at",
            "{\"event_type\":\"Ok\",\"occurred_at\":\"2026-11-22T12:00:00\"} | INVALID_OCCURRED_AT | occurred_at",
            "{\"event_type\":\"Ok\",\"occurred_at\":\"2026-11-22T12:06:00Z\"}| INVALID_OCCURRED_AT | occurred_at",
            "{\"event_type\":\"Ok\",\"payload\":[1,2]}                       | INVALID_PAYLOAD     | payload",
            "{\"event_type\":\"Ok\",\"payload\":{\"a\":\"\\u0000\"}}         | INVALID_PAYLOAD     | payload.a",
            "{\"event_type\":\"Ok\",\"id\":\"1-1-1-1-1\"}                    | INVALID_ID          | id",
            "{\"event_type\":\"Ok\",\"run_id\":\"0190f0c8-0000-7000-8000-000000000009\"} | INVALID_RUN_ID | run_id",
            "{\"event_type\":\"Ok\",\"evnt\":1}                              | UNKNOWN_FIELD       | evnt",
    })
    void rejectsWithCodeAndField(String json, String code, String field) throws Exception {
        EventValidator.Outcome outcome = validate(json);
        assertFalse(outcome.accepted());
        assertEquals(3, outcome.rejection().index());
        assertEquals(code, outcome.rejection().code());
        assertEquals(field, outcome.rejection().field());
        assertFalse(outcome.rejection().message().isBlank());
    }

    @Test
    void rejectsPayloadOverTheLimitAndSaysBothSizes() throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"Ok\",\"payload\":{\"text\":\"" + "x".repeat(200) + "\"}}");
        assertEquals("PAYLOAD_TOO_LARGE", outcome.rejection().code());
        assertTrue(outcome.rejection().message().contains("limit is 100"), outcome.rejection().message());
    }

    @Test
    void derivesIdsFromTheIdempotencyKey() throws Exception {
        IdAssigner keyed = IdAssigner.fromIdempotencyKey(new IdKey(new byte[32]), "agent-a", "POST /v1/runs/x/events", "k1");
        AgentEvent first = validator.validate(0, EventJson.MAPPER.readTree("{\"event_type\":\"Ok\"}"), RUN, "agent-a", keyed).event();
        AgentEvent again = validator.validate(0, EventJson.MAPPER.readTree("{\"event_type\":\"Ok\"}"), RUN, "agent-a", keyed).event();
        assertEquals(first.id(), again.id());
        assertEquals(IdOrigin.IDEMPOTENCY_KEY, first.idOrigin());
    }

    @ParameterizedTest
    @CsvSource({"1800-01-01T00:00:00Z", "1899-12-31T23:59:59.999Z", "-999999999-01-01T00:00:00Z"})
    void rejectsOccurredAtBeforeTheTimeWindow(String time) throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"Ok\",\"occurred_at\":\"" + time + "\"}");
        assertFalse(outcome.accepted());
        assertEquals("INVALID_OCCURRED_AT", outcome.rejection().code());
        assertEquals("occurred_at", outcome.rejection().field());
        assertTrue(outcome.rejection().message().contains("1900-01-01"), outcome.rejection().message());
    }

    @Test
    void rejectsALoneSurrogateInThePayloadNamingItsPath() throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"Ok\",\"payload\":{\"a\":[\"ok\",\"x\\ud800y\"]}}");
        assertEquals("INVALID_PAYLOAD", outcome.rejection().code());
        assertEquals("payload.a[1]", outcome.rejection().field());
        assertTrue(outcome.rejection().message().contains("surrogate"), outcome.rejection().message());
    }

    @Test
    void rejectsNulInAPayloadKey() throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"Ok\",\"payload\":{\"in\":{\"k\\u0000\":1}}}");
        assertEquals("INVALID_PAYLOAD", outcome.rejection().code());
        assertEquals("payload.in", outcome.rejection().field());
        assertTrue(outcome.rejection().message().contains("NUL"), outcome.rejection().message());
    }

    @Test
    void acceptsASurrogatePairAsOneCharacter() throws Exception {
        assertTrue(validate("{\"event_type\":\"Ok\",\"payload\":{\"emoji\":\"\\ud83d\\ude00\"}}").accepted());
    }

    @Test
    void rejectsAGranularDecisionEventTheStreamCouldNotParseNamingItsField() throws Exception {
        EventValidator.Outcome outcome = validator.validate(0, EventJson.MAPPER.readTree(
                "{\"event_type\":\"DecisionMade\",\"payload\":{\"outcome\":\"ok\",\"valid_from\":\"+999999999-12-31T23:59:59Z\"}}"),
                RUN, "agent-a", IdAssigner.server());
        assertEquals("INVALID_DECISION_EVENT", outcome.rejection().code());
        assertEquals("payload.valid_from", outcome.rejection().field());
        EventValidator.Outcome noOutcome = validator.validate(0, EventJson.MAPPER.readTree(
                "{\"event_type\":\"DecisionMade\",\"payload\":{\"confidence\":0.5}}"), RUN, "agent-a", IdAssigner.server());
        assertEquals("payload.outcome", noOutcome.rejection().field());
    }

    @Test
    void acceptsOccurredAtJustInsideTheFutureSkew() throws Exception {
        EventValidator.Outcome outcome = validate("{\"event_type\":\"Ok\",\"occurred_at\":\"2026-11-22T12:05:00Z\"}");
        assertTrue(outcome.accepted());
        assertNull(outcome.rejection());
    }
}

package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionValidatorTest {
    private static final UUID ID = UUID.fromString("0190f0c8-0000-7000-8000-0000000000bb");

    private static DecisionValidator.InvalidDecision invalid(String json) {
        return assertThrows(DecisionValidator.InvalidDecision.class,
                () -> DecisionValidator.parse(EventJson.MAPPER.readTree(json), "decision", ID));
    }

    @Test
    void refusesValidFromBeyondWhatEveryStageCanHold() {
        assertEquals("decision.valid_from",
                invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":\"+999999999-12-31T23:59:59Z\"}").field());
        assertEquals("decision.valid_from", invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":\"1800-01-01T00:00:00Z\"}").field());
        assertEquals("decision.valid_from", invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":12}").field());
    }

    @Test
    void acceptsTheEdgesOfTheTimeWindow() throws Exception {
        TracedDecision latest = DecisionValidator.parse(EventJson.MAPPER.readTree(
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":\"9999-12-31T23:59:59.999999Z\"}"), "decision", ID);
        assertEquals(TimeWindow.LATEST, latest.validFrom());
        TracedDecision earliest = DecisionValidator.parse(EventJson.MAPPER.readTree(
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":\"1900-01-01T00:00:00Z\"}"), "decision", ID);
        assertEquals(Instant.parse("1900-01-01T00:00:00Z"), earliest.validFrom());
    }

    @Test
    void refusesUnstorableTextInEveryFieldNamingIt() {
        assertEquals("decision.outcome", invalid("{\"decision_type\":\"t\",\"outcome\":\"\\ud800\"}").field());
        assertEquals("decision.alternatives[0].label",
                invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"alternatives\":[{\"label\":\"a\\u0000\"}]}").field());
        assertEquals("decision.metadata.k", invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"metadata\":{\"k\":\"\\udfff\"}}").field());
    }
}

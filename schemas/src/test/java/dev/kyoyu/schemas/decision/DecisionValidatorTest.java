package dev.kyoyu.schemas.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.TimeWindow;
import dev.kyoyu.schemas.event.TracedDecision;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionValidatorTest {
    private static final UUID ID = UUID.fromString("0190f0c8-0000-7000-8000-0000000000bb");

    private static InvalidDecision invalid(String json) {
        return assertThrows(InvalidDecision.class,
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

    @Test
    void aTracedDecisionAndARevisionRefuseAnOverlongLabelForTheSameReason() {
        String alternatives = "[{\"label\":\"" + "x".repeat(DecisionLimits.MAX_LABEL + 1) + "\"}]";
        InvalidDecision whole = invalid("{\"decision_type\":\"t\",\"outcome\":\"o\",\"alternatives\":" + alternatives + "}");
        InvalidDecision revision = assertThrows(InvalidDecision.class, () -> DecisionEvents.parse(DecisionEvents.DECISION_REVISED,
                (ObjectNode) EventJson.MAPPER.readTree("{\"revises\":\"" + ID + "\",\"outcome\":\"o\",\"alternatives\":" + alternatives + "}")));
        assertEquals("decision.alternatives[0].label", whole.field());
        assertEquals("payload.alternatives[0].label", revision.field());
        assertEquals(whole.reason(), revision.reason());
    }

    @Test
    void aTracedDecisionDropsFieldsItsAlternativesDoNotKnowWhileARevisionRefusesThem() throws Exception {
        String alternatives = "[{\"label\":\"a\",\"note\":\"n\"}]";
        TracedDecision whole = DecisionValidator.parse(EventJson.MAPPER.readTree(
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"alternatives\":" + alternatives + "}"), "decision", ID);
        assertEquals("a", whole.alternatives().get(0).label());
        InvalidDecision revision = assertThrows(InvalidDecision.class, () -> DecisionEvents.parse(DecisionEvents.DECISION_REVISED,
                (ObjectNode) EventJson.MAPPER.readTree("{\"revises\":\"" + ID + "\",\"outcome\":\"o\",\"alternatives\":" + alternatives + "}")));
        assertEquals("payload.alternatives[0].note", revision.field());
    }
}

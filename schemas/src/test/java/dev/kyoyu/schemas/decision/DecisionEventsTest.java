package dev.kyoyu.schemas.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionEventsTest {
    private static final UUID ID = UUID.fromString("0190f0c8-0000-7000-8000-0000000000aa");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) EventJson.MAPPER.readTree(text);
    }

    private static InvalidDecision invalid(String type, String payload) {
        return assertThrows(InvalidDecision.class, () -> DecisionEvents.parse(type, json(payload)));
    }

    @Test
    void readsEveryStepOfADecision() throws Exception {
        var started = assertInstanceOf(DecisionStep.Started.class, DecisionEvents.parse("DecisionStarted",
                json("{\"decision_type\":\"loan_approval\",\"metadata\":{\"case\":7}}")));
        assertNull(started.decisionId());
        assertEquals("loan_approval", started.decisionType());
        assertEquals(7, started.metadata().path("case").asInt());

        var alternative = assertInstanceOf(DecisionStep.AlternativeConsidered.class, DecisionEvents.parse("AlternativeConsidered",
                json("{\"decision_id\":\"" + ID + "\",\"label\":\"approve\",\"score\":0.8,\"selected\":true}")));
        assertEquals(ID, alternative.decisionId());
        assertTrue(alternative.alternative().selected());

        var evidence = assertInstanceOf(DecisionStep.EvidenceGathered.class, DecisionEvents.parse("EvidenceGathered",
                json("{\"content\":\"payslip\"}")));
        assertEquals("other", evidence.evidence().sourceType(), "source_type defaults like /v1/trace");

        var made = assertInstanceOf(DecisionStep.Made.class, DecisionEvents.parse("DecisionMade",
                json("{\"outcome\":\"approve\",\"confidence\":1,\"valid_from\":\"2026-11-22T10:00:00+01:00\"}")));
        assertEquals(Instant.parse("2026-11-22T09:00:00Z"), made.validFrom());

        var revised = assertInstanceOf(DecisionStep.Revised.class, DecisionEvents.parse("DecisionRevised",
                json("{\"revises\":\"" + ID + "\",\"outcome\":\"deny\",\"evidence\":[{\"content\":\"new fact\"}]}")));
        assertEquals(ID, revised.revises());
        assertEquals(1, revised.evidence().size());
    }

    @Test
    void namesTheFieldThatIsWrong() {
        assertEquals("payload.decision_type", invalid("DecisionStarted", "{}").field());
        assertEquals("payload.decision_type", invalid("DecisionStarted", "{\"decision_type\":\"9 lives\"}").field());
        assertEquals("payload.decision_id", invalid("DecisionMade", "{\"decision_id\":\"1-1-1-1-1\",\"outcome\":\"x\"}").field());
        assertEquals("payload.score", invalid("AlternativeConsidered", "{\"label\":\"a\",\"score\":1.5}").field());
        assertEquals("payload.selected", invalid("AlternativeConsidered", "{\"label\":\"a\",\"selected\":\"yes\"}").field());
        assertEquals("payload.content", invalid("EvidenceGathered", "{\"content\":\"  \"}").field());
        assertEquals("payload.reasoning", invalid("ReasoningStepCompleted", "{}").field());
        assertEquals("payload.step", invalid("ReasoningStepCompleted", "{\"reasoning\":\"r\",\"step\":3}").field());
        assertEquals("payload.valid_from", invalid("DecisionMade", "{\"outcome\":\"x\",\"valid_from\":\"yesterday\"}").field());
        assertEquals("payload.revises", invalid("DecisionRevised", "{\"outcome\":\"x\"}").field());
        assertEquals("payload.revises", invalid("DecisionRevised",
                "{\"decision_id\":\"" + ID + "\",\"revises\":\"" + ID + "\",\"outcome\":\"x\"}").field());
        assertEquals("payload.alternatives[1].label", invalid("DecisionRevised",
                "{\"revises\":\"" + ID + "\",\"outcome\":\"x\",\"alternatives\":[{\"label\":\"a\"},{}]}").field());
        assertEquals("payload.outcome", invalid("DecisionMade", "{\"outcome\":\"nul\\u0000\"}").field());
    }

    @Test
    void refusesUnknownFieldsSoThatTyposDoNotDropData() {
        InvalidDecision e = invalid("DecisionMade", "{\"outcome\":\"x\",\"confidance\":0.3}");
        assertEquals("payload.confidance", e.field());
        assertTrue(e.reason().startsWith("unknown field"), e.reason());
    }

    @Test
    void knowsWhichTypesAreDecisionEvents() {
        assertTrue(DecisionEvents.isDecisionEvent("DecisionRevised"));
        assertFalse(DecisionEvents.isDecisionEvent("DecisionTraced"), "a traced decision is whole, not a step");
        assertFalse(DecisionEvents.isDecisionEvent("ToolCalled"));
    }

    @Test
    void refusesValidFromOutsideTheTimeWindowNamingTheField() {
        assertEquals("payload.valid_from",
                invalid("DecisionMade", "{\"outcome\":\"ok\",\"valid_from\":\"+999999999-12-31T23:59:59Z\"}").field());
        assertEquals("payload.valid_from",
                invalid("DecisionRevised", "{\"revises\":\"" + ID + "\",\"outcome\":\"ok\",\"valid_from\":\"1899-12-31T23:59:59Z\"}").field());
    }

    @Test
    void refusesLoneSurrogatesInTextAndInMetadataKeys() {
        assertEquals("payload.reasoning", invalid("ReasoningStepCompleted", "{\"reasoning\":\"a\\udc00\"}").field());
        assertEquals("payload.metadata", invalid("DecisionStarted", "{\"decision_type\":\"t\",\"metadata\":{\"\\u0000\":1}}").field());
    }
}

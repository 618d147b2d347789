package dev.kyoyu.stream.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.stream.DecisionStreamDriver;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Times no stage can hold are rejected with the field, and nothing computed from a time stops the stream. */
class ExtremeTimesTest {
    private static final String FAR_FUTURE = "+999999999-12-31T23:59:59Z";
    private static final String FAR_PAST = "-999999999-01-01T00:00:00Z";
    private final DecisionStreamDriver stream = new DecisionStreamDriver();
    private final UUID run = EventIds.newId();

    @AfterEach
    void close() {
        stream.close();
    }

    @Test
    void aDecisionMadeWithAValidFromBeyondEveryStoreIsRejectedAndTheDecisionStaysOpen() {
        stream.post(run, "agent-x1", "DecisionStarted", "{'decision_type':'loan_approval'}");
        AgentEvent far = stream.post(run, "agent-x1", "DecisionMade", "{'outcome':'approve','valid_from':'" + FAR_FUTURE + "'}");
        AgentEvent past = stream.post(run, "agent-x1", "DecisionMade", "{'outcome':'approve','valid_from':'" + FAR_PAST + "'}");
        stream.post(run, "agent-x1", "DecisionMade", "{'outcome':'approve','valid_from':'2026-11-22T11:00:00Z'}");

        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals(List.of(far.id(), past.id()), rejected.stream().map(RejectedDecisionEvent::eventId).toList());
        for (RejectedDecisionEvent r : rejected) {
            // The payload parser the ingest door uses too refuses a valid_from outside the time window.
            assertEquals("invalid_payload", r.reason());
            assertEquals("payload.valid_from", r.field());
            assertTrue(r.message().contains("1900-01-01"), r.message());
        }
        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, published.size());
        assertEquals(Instant.parse("2026-11-22T11:00:00Z"), published.get(0).validFrom());
    }

    @Test
    void tracedAndRevisedDecisionsWithAnExtremeValidFromAreRejected() {
        AgentEvent traced = stream.post(run, "agent-x2", "DecisionTraced", "{'id':'" + EventIds.newId()
                + "','decision_type':'loan_approval','outcome':'deny','valid_from':'" + FAR_FUTURE + "'}");
        UUID original = stream.trace("agent-x2", "loan_approval", "approve", Instant.parse("2026-11-22T09:00:00Z"));
        AgentEvent revised = stream.post(run, "agent-x2", "DecisionRevised", "{'revises':'" + original
                + "','outcome':'deny','valid_from':'" + FAR_FUTURE + "'}");

        assertEquals(List.of(original), stream.decisions().stream().map(DecisionRecord::id).toList());
        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals(List.of(traced.id(), revised.id()), rejected.stream().map(RejectedDecisionEvent::eventId).toList());
        assertEquals(List.of("invalid_payload", "invalid_payload"), rejected.stream().map(RejectedDecisionEvent::reason).toList());
        assertEquals(List.of("payload.valid_from", "payload.valid_from"), rejected.stream().map(RejectedDecisionEvent::field).toList());
    }

    @Test
    void anOccurredAtFromAnotherProducerThatNoStoreHoldsIsNamedWhenItWouldBeTheValidFrom() throws Exception {
        stream.post(run, "agent-x3", "DecisionStarted", "{'decision_type':'loan_approval'}");
        AgentEvent made = new AgentEvent(EventIds.newId(), run, "agent-x3", "DecisionMade", Instant.parse(FAR_FUTURE),
                stream.now(), (ObjectNode) EventJson.MAPPER.readTree("{\"outcome\":\"approve\"}"));
        stream.post(made);
        assertTrue(stream.decisions().isEmpty());
        RejectedDecisionEvent rejection = stream.rejected().get(0);
        assertEquals("invalid_valid_from", rejection.reason());
        assertEquals("occurred_at", rejection.field());
    }

    @Test
    void aDecisionWithAnExtremeValidFromOnTheDecisionsTopicDoesNotStopConflictDetection() {
        // Not something the assembler publishes any more; another producer (or an older version) might have.
        stream.republish(new DecisionRecord(EventIds.newId(), run, "old-producer", "loan_approval", "approve", null, null, null,
                Instant.parse(FAR_FUTURE), null, null, null, null, EventIds.newId()));
        stream.republish(new DecisionRecord(EventIds.newId(), run, "old-producer", "loan_approval", "approve", null, null, null,
                Instant.parse(FAR_PAST), null, null, null, null, EventIds.newId()));
        stream.trace("agent-x4", "loan_approval", "approve", Instant.parse("2026-11-22T09:00:00Z"));
        stream.trace("agent-x5", "loan_approval", "deny", Instant.parse("2026-11-22T09:30:00Z"));

        assertEquals(1, stream.conflicts().size(), "detection goes on after the extreme ones");
        assertTrue(stream.rejected().isEmpty());
    }
}

package dev.kyoyu.stream.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.stream.DecisionStreamDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DecisionRevised: a new decision that replaces an earlier one of the same agent. */
class DecisionRevisionTest {
    private static final Instant DECIDED = Instant.parse("2026-11-22T09:00:00Z");
    private final DecisionStreamDriver stream = new DecisionStreamDriver();
    private final UUID run = EventIds.newId();

    @AfterEach
    void close() {
        stream.close();
    }

    private UUID decide(String agent) {
        UUID id = stream.trace(agent, "loan_approval", "approve", DECIDED);
        stream.decisions();
        return id;
    }

    @Test
    void aRevisionIsANewDecisionThatNamesTheOneItReplaces() {
        UUID original = decide("risk-agent");
        UUID laterRun = EventIds.newId();
        stream.advance(Duration.ofHours(2));
        AgentEvent revision = stream.post(laterRun, "risk-agent", "DecisionRevised", "{'revises':'" + original + "','outcome':'deny',"
                + "'confidence':0.7,'reasoning':'a default surfaced','evidence':[{'content':'default in 2024'}]}");

        DecisionRecord d = stream.decisionsByKey().get("loan_approval");
        assertEquals(revision.id(), d.id(), "the new decision's id defaults to the DecisionRevised event's");
        assertEquals(original, d.revises());
        assertEquals("loan_approval", d.decisionType(), "the type is the revised decision's");
        assertEquals(laterRun, d.runId());
        assertEquals("deny", d.outcome());
        assertEquals(revision.occurredAt(), d.validFrom());
        assertNull(d.validTo());
        assertEquals("default in 2024", d.evidence().get(0).content());
        assertEquals(revision.id(), d.sourceEventId());
        assertEquals(1, stream.counter("kyoyu.decisions.published", "source", "revised"));
    }

    @Test
    void onlyTheCurrentVersionCanBeRevised() {
        UUID original = decide("risk-agent");
        UUID second = EventIds.newId();
        stream.post(run, "risk-agent", "DecisionRevised", "{'decision_id':'" + second + "','revises':'" + original + "','outcome':'deny'}");
        AgentEvent again = stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + original + "','outcome':'review'}");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + second + "','outcome':'review'}");

        List<DecisionRecord> published = stream.decisions();
        assertEquals(List.of(original, second), published.stream().map(DecisionRecord::revises).toList());
        RejectedDecisionEvent rejection = stream.rejected().get(0);
        assertEquals(again.id(), rejection.eventId());
        assertEquals("already_revised", rejection.reason());
        assertTrue(rejection.message().contains(second.toString()), "names the version to revise instead: " + rejection.message());
    }

    @Test
    void anAgentRevisesOnlyDecisionsItMade() {
        UUID someoneElses = decide("other-agent");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + someoneElses + "','outcome':'deny'}");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + EventIds.newId() + "','outcome':'deny'}");
        assertTrue(stream.decisions().isEmpty());
        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals(List.of("unknown_decision", "unknown_decision"), rejected.stream().map(RejectedDecisionEvent::reason).toList());
        assertEquals("payload.revises", rejected.get(0).field());
        assertTrue(!rejected.get(0).message().contains("other-agent"), "says nothing about whose decision it is");
    }

    @Test
    void aRevisionCannotTakeEffectBeforeTheDecisionItReplaces() {
        UUID original = decide("risk-agent");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + original + "','outcome':'deny','valid_from':'2026-11-22T08:59:59Z'}");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + original + "','outcome':'deny','valid_from':'" + DECIDED + "'}");
        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, published.size());
        assertEquals(DECIDED, published.get(0).validFrom(), "the same instant is allowed: the old one held for no time at all");
        RejectedDecisionEvent rejection = stream.rejected().get(0);
        assertEquals("invalid_valid_from", rejection.reason());
        assertEquals("payload.valid_from", rejection.field());
    }

    @Test
    void aRetriedRevisionIsPublishedOnce() {
        UUID original = decide("risk-agent");
        AgentEvent revision = stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + original + "','outcome':'deny'}");
        stream.post(revision);
        assertEquals(1, stream.decisions().size());
        assertTrue(stream.rejected().isEmpty());
    }

    @Test
    void aMadeDecisionTakesNoMoreSteps() {
        UUID id = EventIds.newId();
        stream.post(run, "risk-agent", "DecisionStarted", "{'decision_id':'" + id + "','decision_type':'loan_approval'}");
        stream.post(run, "risk-agent", "DecisionMade", "{'outcome':'approve'}");
        stream.post(run, "risk-agent", "AlternativeConsidered", "{'decision_id':'" + id + "','label':'deny'}");
        stream.post(run, "risk-agent", "DecisionRevised", "{'revises':'" + id + "','outcome':'deny'}");
        List<DecisionRecord> published = stream.decisions();
        assertEquals(2, published.size(), "assembled decisions can be revised like traced ones");
        assertEquals(id, published.get(1).revises());
        assertEquals("decision_closed", stream.rejected().get(0).reason());
    }
}

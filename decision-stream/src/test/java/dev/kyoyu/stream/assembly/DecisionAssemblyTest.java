package dev.kyoyu.stream.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.stream.DecisionStreamDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decisions assembled from the granular events of a run, and whole ones from /v1/trace. */
class DecisionAssemblyTest {
    private final DecisionStreamDriver stream = new DecisionStreamDriver();
    private final UUID run = EventIds.newId();

    @AfterEach
    void close() {
        stream.close();
    }

    @Test
    void assemblesADecisionFromTheStepsOfARun() {
        AgentEvent started = stream.post(run, "risk-agent", "DecisionStarted", "{'decision_type':'loan_approval','metadata':{'case':'c-17'}}");
        stream.post(run, "risk-agent", "AlternativeConsidered", "{'label':'approve','score':0.8,'selected':true}");
        stream.post(run, "risk-agent", "ToolCalled", "{'tool':'credit_score'}");
        stream.post(run, "risk-agent", "EvidenceGathered", "{'source_type':'document','source_uri':'s3://payslip','content':'net 4,200 EUR','relevance_score':0.9}");
        stream.post(run, "risk-agent", "ReasoningStepCompleted", "{'reasoning':'income covers the installment 3.1 times'}");
        stream.post(run, "risk-agent", "AlternativeConsidered", "{'label':'deny','score':0.2,'rejection_reason':'no risk signal'}");
        stream.post(run, "risk-agent", "ReasoningStepCompleted", "{'reasoning':'no defaults on record'}");
        assertTrue(stream.decisions().isEmpty(), "nothing is published before DecisionMade");
        stream.advance(Duration.ofSeconds(5));
        AgentEvent made = stream.post(run, "risk-agent", "DecisionMade", "{'outcome':'approve','confidence':0.82}");

        Map<String, DecisionRecord> published = stream.decisionsByKey();
        assertEquals(1, published.size());
        DecisionRecord d = published.get("loan_approval");
        assertEquals(started.id(), d.id(), "the id defaults to the DecisionStarted event's");
        assertEquals(run, d.runId());
        assertEquals("risk-agent", d.agentId());
        assertEquals("approve", d.outcome());
        assertEquals(0.82, d.confidence());
        assertEquals("income covers the installment 3.1 times\nno defaults on record", d.reasoning());
        assertEquals("c-17", d.metadata().path("case").asText());
        assertEquals(List.of("approve", "deny"), d.alternatives().stream().map(a -> a.label()).toList());
        assertTrue(d.alternatives().get(0).selected());
        assertEquals("no risk signal", d.alternatives().get(1).rejectionReason());
        assertEquals("s3://payslip", d.evidence().get(0).sourceUri());
        assertEquals(made.occurredAt(), d.validFrom(), "valid_from defaults to when the decision was made");
        assertNull(d.validTo());
        assertNull(d.revises());
        assertEquals(made.id(), d.sourceEventId());
        assertTrue(stream.rejected().isEmpty());
        assertEquals(1, stream.counter("kyoyu.decisions.published", "source", "assembled"));
    }

    @Test
    void stepsNameTheirDecisionWhenARunHasSeveralOpen() {
        UUID loan = EventIds.newId();
        UUID limit = EventIds.newId();
        stream.post(run, "agent-1", "DecisionStarted", "{'decision_id':'" + loan + "','decision_type':'loan_approval'}");
        stream.post(run, "agent-1", "DecisionStarted", "{'decision_id':'" + limit + "','decision_type':'credit_limit'}");
        stream.post(run, "agent-1", "EvidenceGathered", "{'decision_id':'" + limit + "','content':'limit history'}");
        AgentEvent ambiguous = stream.post(run, "agent-1", "EvidenceGathered", "{'content':'which one?'}");
        stream.post(run, "agent-1", "DecisionMade", "{'decision_id':'" + loan + "','outcome':'approve','valid_from':'2026-11-22T11:00:00Z'}");
        stream.post(run, "agent-1", "ReasoningStepCompleted", "{'reasoning':'only one open now'}");
        stream.post(run, "agent-1", "DecisionMade", "{'outcome':'raise to 5000'}");

        Map<String, DecisionRecord> published = stream.decisionsByKey();
        assertEquals(loan, published.get("loan_approval").id());
        assertEquals(Instant.parse("2026-11-22T11:00:00Z"), published.get("loan_approval").validFrom());
        assertTrue(published.get("loan_approval").evidence().isEmpty());
        DecisionRecord creditLimit = published.get("credit_limit");
        assertEquals(limit, creditLimit.id());
        assertEquals("limit history", creditLimit.evidence().get(0).content());
        assertEquals("only one open now", creditLimit.reasoning(), "once one is made, the other is the run's only open decision");

        RejectedDecisionEvent rejection = stream.rejected().get(0);
        assertEquals(ambiguous.id(), rejection.eventId());
        assertEquals("ambiguous_decision", rejection.reason());
    }

    @Test
    void publishesATracedDecisionWhole() {
        UUID id = EventIds.newId();
        AgentEvent traced = stream.post(run, "tracer", "DecisionTraced", "{'id':'" + id + "','decision_type':'loan_approval',"
                + "'outcome':'deny','confidence':0.6,'reasoning':'thin file','metadata':{},"
                + "'alternatives':[{'label':'deny','selected':true}],'evidence':[{'source_type':'api','content':'score 540'}]}");
        DecisionRecord d = stream.decisions().get(0);
        assertEquals(id, d.id());
        assertEquals("deny", d.outcome());
        assertEquals(traced.occurredAt(), d.validFrom());
        assertEquals(traced.id(), d.sourceEventId());
        assertEquals("score 540", d.evidence().get(0).content());
        assertEquals(1, stream.counter("kyoyu.decisions.published", "source", "traced"));
    }

    @Test
    void reportsUnusableEventsAndKeepsAssembling() {
        AgentEvent orphan = stream.post(run, "agent-2", "AlternativeConsidered", "{'label':'approve'}");
        stream.post(run, "agent-2", "DecisionStarted", "{'decision_type':'loan_approval'}");
        AgentEvent badScore = stream.post(run, "agent-2", "AlternativeConsidered", "{'label':'approve','score':2}");
        AgentEvent typo = stream.post(run, "agent-2", "EvidenceGathered", "{'content':'x','relevence':0.3}");
        stream.postRaw("agent-2", "not an event".getBytes(StandardCharsets.UTF_8));
        AgentEvent unknown = stream.post(run, "agent-2", "DecisionMade", "{'decision_id':'" + EventIds.newId() + "','outcome':'approve'}");
        stream.post(run, "agent-2", "AlternativeConsidered", "{'label':'approve','score':0.9}");
        stream.post(run, "agent-2", "DecisionMade", "{'outcome':'approve'}");

        List<RejectedDecisionEvent> rejected = stream.rejected();
        // The unreadable record is rejected by the deserialization handler; its report on the rejected topic is
        // asserted against real Kafka (StreamPoisonIT): TopologyTestDriver does not capture a handler's record there.
        assertEquals(List.of(orphan.id(), badScore.id(), typo.id(), unknown.id()),
                rejected.stream().map(RejectedDecisionEvent::eventId).filter(id -> id != null).toList());
        assertEquals(List.of("no_open_decision", "invalid_payload", "invalid_payload", "unknown_decision"),
                rejected.stream().map(RejectedDecisionEvent::reason).filter(r -> !r.equals("unreadable")).toList());
        assertEquals("payload.score", rejected.get(1).field());
        assertEquals("payload.relevence", rejected.get(2).field());
        assertEquals(run, rejected.get(0).runId());
        assertEquals(5, stream.counter("kyoyu.decision.events.rejected"));
        assertEquals(2, stream.counter("kyoyu.decision.events.rejected", "reason", "invalid_payload"));
        assertEquals(1, stream.counter("kyoyu.decision.events.rejected", "reason", "unreadable"));

        DecisionRecord d = stream.decisions().get(0);
        assertEquals(1, d.alternatives().size(), "only the valid alternative counts");
        assertEquals(0.9, d.alternatives().get(0).score());
    }

    @Test
    void aRetriedRequestChangesNothing() {
        List<AgentEvent> request = List.of(
                stream.post(run, "agent-3", "DecisionStarted", "{'decision_type':'loan_approval'}"),
                stream.post(run, "agent-3", "AlternativeConsidered", "{'label':'approve'}"),
                stream.post(run, "agent-3", "EvidenceGathered", "{'content':'payslip'}"));
        request.forEach(stream::post);
        AgentEvent made = stream.post(run, "agent-3", "DecisionMade", "{'outcome':'approve'}");
        request.forEach(stream::post);
        stream.post(made);

        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, published.size());
        assertEquals(1, published.get(0).alternatives().size());
        assertEquals(1, published.get(0).evidence().size());
        assertTrue(stream.rejected().isEmpty(), "a retry is not an error");
        assertEquals(7, stream.counter("kyoyu.decision.events.repeated"));
    }

    @Test
    void reasoningStepsOutsideADecisionBelongToTheRunOnly() {
        for (int i = 0; i < 3; i++) {
            stream.post(run, "agent-4", "ReasoningStepCompleted", "{'step':" + i + "}");
        }
        assertTrue(stream.decisions().isEmpty());
        assertTrue(stream.rejected().isEmpty());
    }

    @Test
    void aRunThatEndsDropsItsOpenDecisions() {
        stream.post(run, "agent-5", "DecisionStarted", "{'decision_type':'loan_approval'}");
        stream.post(run, "agent-5", "RunCompleted", "{}");
        stream.post(run, "agent-5", "DecisionMade", "{'outcome':'approve'}");
        assertTrue(stream.decisions().isEmpty());
        assertEquals("no_open_decision", stream.rejected().get(0).reason());
        assertEquals(1, stream.counter("kyoyu.decisions.abandoned"));
    }

    @Test
    void aDecisionNotMadeWithinTheTimeoutIsDropped() {
        stream.post(run, "agent-6", "DecisionStarted", "{'decision_type':'loan_approval'}");
        stream.advance(Duration.ofHours(23));
        assertEquals(0, stream.counter("kyoyu.decisions.abandoned"));
        stream.advance(Duration.ofHours(1).plusMinutes(2));
        assertEquals(1, stream.counter("kyoyu.decisions.abandoned"));
        stream.post(run, "agent-6", "DecisionMade", "{'outcome':'approve'}");
        assertTrue(stream.decisions().isEmpty());
    }

    @Test
    void aDecisionIdIsUsedOnce() {
        UUID id = EventIds.newId();
        stream.post(run, "agent-7", "DecisionStarted", "{'decision_id':'" + id + "','decision_type':'loan_approval'}");
        stream.post(run, "agent-7", "DecisionMade", "{'outcome':'approve'}");
        UUID otherRun = EventIds.newId();
        stream.post(otherRun, "agent-7", "DecisionStarted", "{'decision_id':'" + id + "','decision_type':'loan_approval'}");
        AgentEvent late = stream.post(run, "agent-7", "EvidenceGathered", "{'decision_id':'" + id + "','content':'too late'}");
        assertEquals(1, stream.decisions().size());
        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals("duplicate_decision_id", rejected.get(0).reason());
        assertEquals(late.id(), rejected.get(1).eventId());
        assertEquals("decision_closed", rejected.get(1).reason());
    }

    @Test
    void aDecisionHoldsAtMostAHundredAlternatives() {
        stream.post(run, "agent-8", "DecisionStarted", "{'decision_type':'loan_approval'}");
        for (int i = 0; i <= 100; i++) {
            stream.post(run, "agent-8", "AlternativeConsidered", "{'label':'option " + i + "'}");
        }
        stream.post(run, "agent-8", "DecisionMade", "{'outcome':'option 1'}");
        assertEquals(100, stream.decisions().get(0).alternatives().size());
        assertEquals("too_large", stream.rejected().get(0).reason());
    }
}

package dev.kyoyu.stream.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.stream.DecisionStreamDriver;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Open decisions belong to the agent that started them: another agent's events in the same run never reach them. */
class AgentScopedMatchingTest {
    private final DecisionStreamDriver stream = new DecisionStreamDriver();
    private final UUID run = EventIds.newId();
    private final UUID decision = EventIds.newId();

    @AfterEach
    void close() {
        stream.close();
    }

    private void ownerOpensADecision() {
        stream.post(run, "owner-agent", "DecisionStarted", "{'decision_id':'" + decision + "','decision_type':'loan_approval'}");
        stream.post(run, "owner-agent", "EvidenceGathered", "{'content':'payslip'}");
    }

    @Test
    void anotherAgentsStepsWithTheOwnersRunAndDecisionIdsAreRejectedAndChangeNothing() {
        ownerOpensADecision();
        AgentEvent evidence = stream.post(run, "intruder", "EvidenceGathered", "{'decision_id':'" + decision + "','content':'forged'}");
        AgentEvent named = stream.post(run, "intruder", "DecisionMade", "{'decision_id':'" + decision + "','outcome':'deny'}");
        AgentEvent unnamed = stream.post(run, "intruder", "DecisionMade", "{'outcome':'deny'}");
        assertTrue(stream.decisions().isEmpty(), "the intruder closed nothing");

        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals(List.of(evidence.id(), named.id(), unnamed.id()), rejected.stream().map(RejectedDecisionEvent::eventId).toList());
        assertEquals(List.of("unknown_decision", "unknown_decision", "no_open_decision"),
                rejected.stream().map(RejectedDecisionEvent::reason).toList());
        assertEquals(List.of("intruder", "intruder", "intruder"), rejected.stream().map(RejectedDecisionEvent::agentId).toList());
        assertTrue(!rejected.get(0).message().contains("owner-agent"), "says nothing of whose decision it is: " + rejected.get(0).message());

        stream.post(run, "owner-agent", "DecisionMade", "{'outcome':'approve'}");
        DecisionRecord made = stream.decisions().get(0);
        assertEquals(decision, made.id());
        assertEquals("owner-agent", made.agentId());
        assertEquals("approve", made.outcome());
        assertEquals(List.of("payslip"), made.evidence().stream().map(e -> e.content()).toList(), "no forged evidence");
    }

    @Test
    void anotherAgentEndingTheRunDropsOnlyItsOwnOpenDecisions() {
        ownerOpensADecision();
        stream.post(run, "intruder", "DecisionStarted", "{'decision_type':'loan_approval'}");
        stream.post(run, "intruder", "RunFailed", "{'error':'forged failure'}");
        stream.post(run, "intruder", "RunCompleted", "{}");
        assertEquals(1, stream.counter("kyoyu.decisions.abandoned"), "only the intruder's own open decision");

        stream.post(run, "owner-agent", "DecisionMade", "{'outcome':'approve'}");
        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, published.size());
        assertEquals(decision, published.get(0).id());
        assertTrue(stream.rejected().isEmpty());
    }

    @Test
    void twoAgentsInOneRunEachHaveTheirOnlyOpenDecision() {
        ownerOpensADecision();
        stream.post(run, "second-agent", "DecisionStarted", "{'decision_type':'credit_limit'}");
        stream.post(run, "second-agent", "ReasoningStepCompleted", "{'reasoning':'limit fits the income'}");
        stream.post(run, "second-agent", "DecisionMade", "{'outcome':'raise'}");
        stream.post(run, "owner-agent", "DecisionMade", "{'outcome':'approve'}");

        List<DecisionRecord> published = stream.decisions();
        assertEquals(List.of("second-agent", "owner-agent"), published.stream().map(DecisionRecord::agentId).toList());
        assertEquals("limit fits the income", published.get(0).reasoning());
        assertEquals(null, published.get(1).reasoning());
        assertTrue(stream.rejected().isEmpty(), "no step was ambiguous: each agent has one open decision");
    }

    @Test
    void anotherAgentCannotReviseADecisionItDidNotMake() {
        ownerOpensADecision();
        stream.post(run, "owner-agent", "DecisionMade", "{'outcome':'approve'}");
        stream.decisions();
        AgentEvent forged = stream.post(run, "intruder", "DecisionRevised", "{'revises':'" + decision + "','outcome':'deny'}");
        assertTrue(stream.decisions().isEmpty());
        RejectedDecisionEvent rejection = stream.rejected().get(0);
        assertEquals(forged.id(), rejection.eventId());
        assertEquals("unknown_decision", rejection.reason());
    }

    @Test
    void anotherAgentCannotTakeTheIdOfAnOpenDecision() {
        ownerOpensADecision();
        UUID otherRun = EventIds.newId();
        AgentEvent started = stream.post(otherRun, "intruder", "DecisionStarted", "{'decision_id':'" + decision + "','decision_type':'loan_approval'}");
        AgentEvent traced = stream.post(otherRun, "intruder", "DecisionTraced", "{'id':'" + decision
                + "','decision_type':'loan_approval','outcome':'deny'}");
        stream.post(otherRun, "intruder", "DecisionMade", "{'decision_id':'" + decision + "','outcome':'deny'}");
        stream.post(run, "owner-agent", "DecisionMade", "{'outcome':'approve'}");

        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, published.size());
        assertEquals("owner-agent", published.get(0).agentId());
        List<RejectedDecisionEvent> rejected = stream.rejected();
        assertEquals(List.of(started.id(), traced.id()), rejected.subList(0, 2).stream().map(RejectedDecisionEvent::eventId).toList());
        assertEquals(List.of("duplicate_decision_id", "duplicate_decision_id", "unknown_decision"),
                rejected.stream().map(RejectedDecisionEvent::reason).toList());
    }
}

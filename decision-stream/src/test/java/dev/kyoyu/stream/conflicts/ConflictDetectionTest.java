package dev.kyoyu.stream.conflicts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.stream.DecisionStreamDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Same decision_type, different agents, different outcomes, both valid, close in time: a conflict. */
class ConflictDetectionTest {
    private static final Instant T = Instant.parse("2026-11-22T09:00:00Z");
    private DecisionStreamDriver stream = new DecisionStreamDriver();

    @AfterEach
    void close() {
        stream.close();
    }

    @Test
    void twoAgentsDecidingDifferentlyWithinTheWindowConflict() {
        UUID first = stream.trace("risk-agent", "loan_approval", "approve", T);
        stream.advance(Duration.ofSeconds(3));
        UUID second = stream.trace("fraud-agent", "loan_approval", "deny", T.plus(Duration.ofMinutes(30)));

        List<ConflictRecord> conflicts = stream.conflicts();
        assertEquals(1, conflicts.size());
        ConflictRecord c = conflicts.get(0);
        assertEquals(ConflictRecord.idFor(first, second), c.id());
        assertEquals("loan_approval", c.decisionType());
        assertEquals(first, c.decisionAId(), "a is the decision that took effect first");
        assertEquals(second, c.decisionBId());
        assertEquals("risk-agent", c.agentAId());
        assertEquals("fraud-agent", c.agentBId());
        assertEquals("approve", c.outcomeA());
        assertEquals("deny", c.outcomeB());
        assertEquals(stream.now(), c.detectedAt());
        assertEquals(1, stream.counter("kyoyu.conflicts.detected"));
    }

    @Test
    void theWindowIncludesItsEdgeAndNothingBeyond() {
        UUID base = stream.trace("agent-a", "limit", "raise", T);
        UUID atEdgeAfter = stream.trace("agent-b", "limit", "keep", T.plus(Duration.ofHours(1)));
        UUID atEdgeBefore = stream.trace("agent-c", "limit", "lower", T.minus(Duration.ofHours(1)));
        stream.trace("agent-d", "limit", "freeze", T.plus(Duration.ofHours(2)).plusMillis(1));
        stream.trace("agent-e", "limit", "close", T.minus(Duration.ofHours(2)).minusNanos(1000));

        Set<Set<UUID>> pairs = stream.conflicts().stream().map(c -> Set.of(c.decisionAId(), c.decisionBId())).collect(Collectors.toSet());
        assertEquals(Set.of(Set.of(base, atEdgeAfter), Set.of(base, atEdgeBefore)), pairs,
                "exactly one hour apart conflicts; the late ones are more than an hour from everything");
    }

    @Test
    void theWindowIsConfigurable() {
        stream.close();
        stream = new DecisionStreamDriver(Map.of("KYOYU_CONFLICT_WINDOW", "5m"));
        stream.trace("agent-a", "limit", "raise", T);
        stream.trace("agent-b", "limit", "keep", T.plus(Duration.ofMinutes(6)));
        assertTrue(stream.conflicts().isEmpty());
        stream.trace("agent-c", "limit", "lower", T.plus(Duration.ofMinutes(5)));
        assertEquals(2, stream.conflicts().size(), "c is within five minutes of both a and b");
    }

    @Test
    void anAgentDoesNotConflictWithItself() {
        stream.trace("agent-a", "loan_approval", "approve", T);
        stream.trace("agent-a", "loan_approval", "deny", T.plusSeconds(60));
        assertTrue(stream.conflicts().isEmpty());
    }

    @Test
    void theSameOutcomeIsAgreementWhateverItsCaseOrSpacing() {
        stream.trace("agent-a", "loan_approval", "Approve", T);
        stream.trace("agent-b", "loan_approval", "approve ", T.plusSeconds(60));
        stream.trace("agent-c", "credit_limit", "deny", T.plusSeconds(60));
        assertTrue(stream.conflicts().isEmpty(), "agreement, and another type");
    }

    @Test
    void aRevisedDecisionConflictsWithNothing() {
        UUID original = stream.trace("agent-a", "loan_approval", "approve", T);
        UUID run = EventIds.newId();
        stream.post(run, "agent-a", "DecisionRevised", "{'revises':'" + original + "','outcome':'deny','valid_from':'" + T.plusSeconds(10) + "'}");
        stream.trace("agent-b", "loan_approval", "deny", T.plusSeconds(20));
        assertTrue(stream.conflicts().isEmpty(), "b agrees with the revision, and the original is no longer valid");

        UUID revision = stream.decisions().get(1).id();
        UUID third = stream.trace("agent-c", "loan_approval", "approve", T.plusSeconds(30));
        Set<Set<UUID>> pairs = stream.conflicts().stream().map(c -> Set.of(c.decisionAId(), c.decisionBId())).collect(Collectors.toSet());
        assertEquals(2, pairs.size());
        assertTrue(pairs.stream().allMatch(p -> p.contains(third) && !p.contains(original)), "the revision itself can conflict: " + pairs);
        assertTrue(pairs.contains(Set.of(revision, third)));
    }

    @Test
    void aDecisionSeenAgainDoesNotRepeatItsConflicts() {
        stream.trace("agent-a", "loan_approval", "approve", T);
        stream.trace("agent-b", "loan_approval", "deny", T.plusSeconds(60));
        List<DecisionRecord> published = stream.decisions();
        assertEquals(1, stream.conflicts().size());

        published.forEach(stream::republish);
        assertTrue(stream.conflicts().isEmpty(), "a second copy of a decision on the topic is a no-op");
        assertEquals(1, stream.counter("kyoyu.conflicts.detected"));
    }

    @Test
    void aDecisionIsForgottenAfterTheRetention() {
        stream.trace("agent-a", "loan_approval", "approve", T);
        stream.advance(Duration.ofHours(24).plusMinutes(2));
        stream.trace("agent-b", "loan_approval", "deny", T.plusSeconds(60));
        assertTrue(stream.conflicts().isEmpty(), "decided a minute apart, but seen a day apart: a is no longer retained");
    }

    @Test
    void aRevisionNamingAnotherAgentsDecisionWithdrawsNothing() {
        UUID original = stream.trace("risk-agent", "loan_approval", "approve", T);
        stream.decisions();
        // Only another producer could publish this: the assembler refuses to revise another agent's decision.
        stream.republish(new DecisionRecord(EventIds.newId(), EventIds.newId(), "intruder", "other_type", "deny", null, null,
                null, T, null, original, null, null, EventIds.newId()));
        stream.trace("fraud-agent", "loan_approval", "deny", T.plus(Duration.ofMinutes(5)));
        assertEquals(1, stream.conflicts().size(), "the risk agent's decision is still a candidate");
    }
}

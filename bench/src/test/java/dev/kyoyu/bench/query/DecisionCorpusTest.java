package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.DecisionEvents;
import dev.kyoyu.schemas.decision.DecisionStep;
import dev.kyoyu.schemas.decision.DecisionValidator;
import dev.kyoyu.schemas.event.TracedDecision;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionCorpusTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant END = Instant.parse("2026-04-01T00:00:00Z");

    private static DecisionCorpus corpus(long seed) {
        return new DecisionCorpus(seed, 200, START, END);
    }

    @Test
    void sameSeedAndIndexGiveTheSameDecisionWhateverWasAskedBefore() {
        DecisionCorpus a = corpus(42);
        DecisionCorpus b = corpus(42);
        b.decision(7);
        b.decision(99_999);
        for (long i = 0; i < 200; i++) {
            assertEquals(a.decision(i), b.decision(i));
            assertEquals(a.decision(i).traceJson(), b.decision(i).traceJson());
            assertEquals(DecisionCorpus.query(42, i), DecisionCorpus.query(42, i));
        }
    }

    @Test
    void anotherSeedGivesAnotherDataset() {
        int same = 0;
        for (long i = 0; i < 200; i++) {
            if (corpus(42).decision(i).reasoning().equals(corpus(43).decision(i).reasoning())) {
                same++;
            }
        }
        assertEquals(0, same);
        assertNotEquals(DecisionCorpus.query(42, 0), DecisionCorpus.query(43, 0));
    }

    @Test
    void decisionsAreVariedAcrossTypesAgentsOutcomesAndText() {
        DecisionCorpus corpus = corpus(1);
        Set<String> reasonings = new HashSet<>();
        Set<String> agents = new HashSet<>();
        Map<String, Integer> types = new HashMap<>();
        Set<String> outcomes = new HashSet<>();
        long chars = 0;
        int n = 5_000;
        for (long i = 0; i < n; i++) {
            DecisionCorpus.Decision d = corpus.decision(i);
            reasonings.add(d.reasoning());
            agents.add(d.agentId());
            types.merge(d.decisionType(), 1, Integer::sum);
            outcomes.add(d.decisionType() + "/" + d.outcome());
            chars += d.reasoning().length();
            assertTrue(d.reasoning().split("\\. ").length >= 3, "several sentences: " + d.reasoning());
        }
        assertTrue(reasonings.size() > n * 0.99, reasonings.size() + " distinct reasonings of " + n);
        assertEquals(200, agents.size());
        assertEquals(DecisionCorpus.decisionTypes().size(), types.size());
        assertTrue(types.values().stream().allMatch(c -> c > n / 100), "every type is common enough: " + types);
        assertTrue(outcomes.size() >= 45, "most type/outcome pairs appear: " + outcomes.size());
        double mean = (double) chars / n;
        assertTrue(mean > 200 && mean < 1200, "mean reasoning " + mean + " characters");
    }

    @Test
    void eachAgentDecidesOnlyTheTypesOfItsRole() {
        DecisionCorpus corpus = corpus(5);
        Map<String, Set<String>> typesOfRole = new HashMap<>();
        for (long i = 0; i < 3_000; i++) {
            DecisionCorpus.Decision d = corpus.decision(i);
            typesOfRole.computeIfAbsent(d.agentId().substring(0, d.agentId().indexOf('-')), r -> new HashSet<>()).add(d.decisionType());
        }
        assertEquals(8, typesOfRole.size());
        Set<String> seen = new HashSet<>();
        typesOfRole.values().forEach(types -> types.forEach(t -> assertTrue(seen.add(t), t + " belongs to two roles")));
    }

    @Test
    void everyDecisionIsAValidTraceWithItsOutcomeSelectedAndValidTimeInRange() throws Exception {
        DecisionCorpus corpus = corpus(9);
        for (long i = 0; i < 1_000; i++) {
            DecisionCorpus.Decision d = corpus.decision(i);
            TracedDecision parsed = DecisionValidator.parse(d.traceJson(), "decision", UUID.randomUUID());
            assertEquals(d.outcome(), parsed.outcome());
            assertEquals(1, parsed.alternatives().stream().filter(TracedDecision.Alternative::selected).count());
            assertEquals(d.outcome(), parsed.alternatives().stream().filter(TracedDecision.Alternative::selected).findFirst()
                    .orElseThrow().label());
            assertTrue(parsed.alternatives().size() >= 2 && parsed.alternatives().size() <= 4, parsed.alternatives().toString());
            assertTrue(!parsed.evidence().isEmpty() && parsed.evidence().size() <= 3);
            assertTrue(!d.validFrom().isBefore(START) && d.validFrom().isBefore(END), d.validFrom().toString());
            assertFalse(d.reasoning().contains("{"), "every slot filled: " + d.reasoning());
        }
    }

    @Test
    void aRevisionChangesTheOutcomeTakesEffectLaterAndIsAValidDecisionRevisedPayload() throws Exception {
        DecisionCorpus corpus = corpus(11);
        Instant latest = END.plusSeconds(3600);
        UUID original = UUID.randomUUID();
        for (long i = 0; i < 500; i++) {
            DecisionCorpus.Decision before = corpus.decision(i);
            DecisionCorpus.Decision after = corpus.revision(i, latest);
            assertEquals(before.agentId(), after.agentId());
            assertEquals(before.decisionType(), after.decisionType());
            assertNotEquals(before.outcome(), after.outcome());
            assertTrue(after.validFrom().isAfter(before.validFrom()) && !after.validFrom().isAfter(latest));
            assertTrue(after.reasoning().startsWith("Revised after "), after.reasoning());
            DecisionStep step = DecisionEvents.parse(DecisionEvents.DECISION_REVISED, after.revisionJson(original));
            assertTrue(step instanceof DecisionStep.Revised revised && revised.revises().equals(original));
        }
    }

    @Test
    void aRevisionNeverTakesEffectBeforeItsOriginalEvenWhenTheOriginalIsRecent() {
        DecisionCorpus corpus = corpus(13);
        for (long i = 0; i < 200; i++) {
            DecisionCorpus.Decision before = corpus.decision(i);
            assertFalse(corpus.revision(i, START).validFrom().isBefore(before.validFrom()));
        }
    }

    @Test
    void revisesTheRequestedShareOfDecisions() {
        DecisionCorpus corpus = corpus(3);
        long revised = java.util.stream.LongStream.range(0, 20_000).filter(i -> corpus.isRevised(i, 5)).count();
        assertEquals(1_000, revised, 150);
        assertEquals(0, java.util.stream.LongStream.range(0, 1_000).filter(i -> corpus.isRevised(i, 0)).count());
    }

    @Test
    void searchTextsAreVariedSentencesInTheSameDomains() {
        Set<String> texts = new HashSet<>();
        for (long i = 0; i < 1_000; i++) {
            String text = DecisionCorpus.query(42, i);
            texts.add(text);
            assertFalse(text.contains("{"), text);
            assertTrue(text.length() > 20 && text.length() < 600, text);
        }
        assertTrue(texts.size() > 990, texts.size() + " distinct texts");
    }
}

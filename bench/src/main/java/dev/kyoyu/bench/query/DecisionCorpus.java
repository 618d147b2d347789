package dev.kyoyu.bench.query;

import static dev.kyoyu.bench.query.DecisionDomains.ASSESSMENTS;
import static dev.kyoyu.bench.query.DecisionDomains.CONCLUSIONS;
import static dev.kyoyu.bench.query.DecisionDomains.KINDS;
import static dev.kyoyu.bench.query.DecisionDomains.QUERY_ASKS;
import static dev.kyoyu.bench.query.DecisionDomains.REJECTIONS;
import static dev.kyoyu.bench.query.DecisionDomains.REVISION_TRIGGERS;
import static dev.kyoyu.bench.query.DecisionDomains.ROLES;
import static dev.kyoyu.bench.query.DecisionDomains.distinct;
import static dev.kyoyu.bench.query.DecisionDomains.fill;
import static dev.kyoyu.bench.query.DecisionDomains.pick;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.query.DecisionDomains.Kind;
import dev.kyoyu.schemas.event.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Decisions as agents of a company would record them: fifteen decision types owned by eight agent roles, each
 * with its own outcomes (one usually dominant), several sentences of reasoning built from type-specific facts
 * with concrete amounts, names, scores and services, weighed alternatives and cited evidence; plus revisions of
 * such decisions and the situation descriptions someone would search precedents with.
 *
 * <p>Deterministic: decision {@code i} depends only on the seed and {@code i} (not on which thread asks, or in
 * which order), so a dataset can be rebuilt identically and posted by many clients at once.
 */
public final class DecisionCorpus {
    public record Alternative(String label, double score, boolean selected, String rejectionReason) {
    }

    public record Evidence(String sourceType, String sourceUri, String content, double relevance) {
    }

    /** One decision as POST /v1/trace carries it, plus who posts it. */
    public record Decision(String agentId, String decisionType, String outcome, double confidence, String reasoning,
                           String caseId, Instant validFrom, List<Alternative> alternatives, List<Evidence> evidence) {
        /** The {@code decision} object of /v1/trace. */
        public ObjectNode traceJson() {
            ObjectNode d = EventJson.MAPPER.createObjectNode();
            d.put("decision_type", decisionType);
            writeFields(d);
            return d;
        }

        /** The payload of a DecisionRevised event replacing {@code revises}: a whole new decision of the same type. */
        public ObjectNode revisionJson(UUID revises) {
            ObjectNode d = EventJson.MAPPER.createObjectNode();
            d.put("revises", revises.toString());
            writeFields(d);
            return d;
        }

        private void writeFields(ObjectNode d) {
            d.put("outcome", outcome);
            d.put("confidence", confidence);
            d.put("reasoning", reasoning);
            d.putObject("metadata").put("case_id", caseId);
            d.put("valid_from", validFrom.toString());
            ArrayNode alts = d.putArray("alternatives");
            for (Alternative a : alternatives) {
                ObjectNode o = alts.addObject().put("label", a.label()).put("score", a.score()).put("selected", a.selected());
                if (a.rejectionReason() != null) {
                    o.put("rejection_reason", a.rejectionReason());
                }
            }
            ArrayNode ev = d.putArray("evidence");
            for (Evidence e : evidence) {
                ObjectNode o = ev.addObject().put("source_type", e.sourceType()).put("content", e.content())
                        .put("relevance_score", e.relevance());
                if (e.sourceUri() != null) {
                    o.put("source_uri", e.sourceUri());
                }
            }
        }
    }

    private final long seed;
    private final List<String> agents;
    private final Instant validStart;
    private final long validSpanSeconds;

    /** Decisions of {@code agentCount} agents, taking effect between {@code validStart} and {@code validEnd}. */
    public DecisionCorpus(long seed, int agentCount, Instant validStart, Instant validEnd) {
        if (agentCount < ROLES.length) {
            throw new IllegalArgumentException("at least " + ROLES.length + " agents, one per role");
        }
        if (!validEnd.isAfter(validStart)) {
            throw new IllegalArgumentException("the valid-time range is empty");
        }
        this.seed = seed;
        this.validStart = validStart;
        this.validSpanSeconds = Duration.between(validStart, validEnd).toSeconds();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < agentCount; i++) {
            names.add(String.format(Locale.ROOT, "%s-agent-%03d", ROLES[i % ROLES.length], i / ROLES.length + 1));
        }
        this.agents = List.copyOf(names);
    }

    public List<String> agents() {
        return agents;
    }

    public static List<String> decisionTypes() {
        return KINDS.stream().map(Kind::type).toList();
    }

    /** Decision number {@code index}: the same for the same seed and index, whoever asks. */
    public Decision decision(long index) {
        Random random = random(1, index);
        String agent = agents.get(random.nextInt(agents.size()));
        Kind kind = kindOf(agent, random);
        Instant validFrom = validStart.plusSeconds((long) (random.nextDouble() * validSpanSeconds));
        String outcome = weighted(kind, random);
        return compose(random, agent, kind, outcome, validFrom, null);
    }

    /** Whether decision {@code index} is later revised: {@code percent} of them, by a draw of their own. */
    public boolean isRevised(long index, int percent) {
        return random(2, index).nextInt(100) < percent;
    }

    /**
     * A revision of decision {@code index} (as {@link #decision} made it): same agent and type, another outcome,
     * new reasoning saying why, taking effect 1 to 72 hours after the original but never after {@code latest}.
     */
    public Decision revision(long index, Instant latest) {
        Decision original = decision(index);
        Random random = random(3, index);
        Kind kind = KINDS.stream().filter(k -> k.type().equals(original.decisionType())).findFirst().orElseThrow();
        String outcome;
        do {
            outcome = kind.outcomes()[random.nextInt(kind.outcomes().length)];
        } while (outcome.equals(original.outcome()));
        Instant validFrom = original.validFrom().plusSeconds(3600 + random.nextInt(71 * 3600));
        if (validFrom.isAfter(latest)) {
            validFrom = latest.isBefore(original.validFrom()) ? original.validFrom() : latest;
        }
        String why = "Revised after " + fill(pick(random, REVISION_TRIGGERS), random) + ". ";
        return compose(random, original.agentId(), kind, outcome, validFrom, why + "Earlier outcome " + phrase(original.outcome())
                + " no longer holds. ");
    }

    /** A situation to search precedents for, in the words of the same domains (query {@code index}, its own draw). */
    public static String query(long seed, long index) {
        Random random = random(seed, 4, index);
        Kind kind = KINDS.get(random.nextInt(KINDS.size()));
        StringBuilder text = new StringBuilder();
        for (String fact : distinct(random, kind.facts(), 2)) {
            text.append(text.isEmpty() ? "" : " ").append(fill(fact, random));
        }
        if (random.nextInt(3) == 0) {
            text.append(' ').append(pick(random, QUERY_ASKS).replace("{noun}", kind.noun()));
        }
        return text.toString();
    }

    private Decision compose(Random random, String agent, Kind kind, String outcome, Instant validFrom, String prefix) {
        StringBuilder reasoning = new StringBuilder(prefix == null ? "" : prefix);
        for (String fact : distinct(random, kind.facts(), 2 + random.nextInt(3))) {
            reasoning.append(fill(fact, random)).append(' ');
        }
        for (String assessment : distinct(random, ASSESSMENTS, 1 + (random.nextInt(3) == 0 ? 1 : 0))) {
            reasoning.append(fill(assessment, random)).append(' ');
        }
        reasoning.append(fill(pick(random, CONCLUSIONS), random).replace("{outcome}", phrase(outcome)).replace("{noun}", kind.noun()));
        double confidence = round(0.3 + 0.7 * (random.nextDouble() + random.nextDouble() + random.nextDouble()) / 3);

        List<Alternative> alternatives = new ArrayList<>();
        alternatives.add(new Alternative(outcome, confidence, true, null));
        String[] others = Arrays.stream(kind.outcomes()).filter(o -> !o.equals(outcome)).toArray(String[]::new);
        for (String other : distinct(random, others, 1 + random.nextInt(Math.min(3, others.length)))) {
            alternatives.add(new Alternative(other, round(confidence * random.nextDouble()), false, fill(pick(random, REJECTIONS), random)));
        }
        List<Evidence> evidence = new ArrayList<>();
        int pieces = 1 + random.nextInt(3);
        for (int i = 0; i < pieces; i++) {
            String[] source = pick(random, kind.evidence()).split("\\|", 2);
            String uri = random.nextInt(4) == 0 ? null : "https://records.example.com/" + kind.type() + "/" + (10_000 + random.nextInt(90_000));
            evidence.add(new Evidence(source[0], uri, fill(source[1], random), round(0.3 + 0.7 * random.nextDouble())));
        }
        return new Decision(agent, kind.type(), outcome, confidence, reasoning.toString().strip(),
                String.format(Locale.ROOT, "%s-%06d", kind.type().substring(0, 3).toUpperCase(Locale.ROOT), random.nextInt(1_000_000)),
                validFrom, List.copyOf(alternatives), List.copyOf(evidence));
    }

    private Kind kindOf(String agent, Random random) {
        String role = agent.substring(0, agent.indexOf('-'));
        List<Kind> owned = KINDS.stream().filter(k -> DecisionDomains.roleOf(k.type()).equals(role)).toList();
        return owned.get(random.nextInt(owned.size()));
    }

    private Random random(int stream, long index) {
        return random(seed, stream, index);
    }

    private static Random random(long seed, int stream, long index) {
        // SplitMix64 finalizer: neighbouring indexes get unrelated seeds.
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    private static String weighted(Kind kind, Random random) {
        int roll = random.nextInt(100);
        for (int i = 0; i < kind.weights().length; i++) {
            roll -= kind.weights()[i];
            if (roll < 0) {
                return kind.outcomes()[i];
            }
        }
        return kind.outcomes()[kind.outcomes().length - 1];
    }

    private static String phrase(String outcome) {
        return outcome.replace('_', ' ');
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

package dev.kyoyu.bench.query;

import dev.kyoyu.bench.query.QuerySpec.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The queries of each type, drawn with a fixed seed from the dataset's shape, in the proportions a dashboard and
 * a few agents looking for precedents would send them (shares in percent in each method):
 * <ul>
 *   <li>structured: one agent's latest; an agent's type in a week; a type above a confidence in three days, by
 *       confidence; a type with one outcome; three agents in one day; a quarter also asks for alternatives and evidence;</li>
 *   <li>temporal: a type, or an agent, as known at an instant of the build; a type as known then about another valid time;</li>
 *   <li>vector: a situation alone; with a decision type; with an agent and a confidence floor.</li>
 * </ul>
 */
final class QueryMix {
    static final int LIMIT = 20;
    static final int SEARCH_LIMIT = 10;

    private final DatasetShape shape;
    private final List<String> agents;
    private final List<String> types;
    private final long seed;

    QueryMix(DatasetShape shape, long seed) {
        this.shape = shape;
        this.agents = List.copyOf(shape.typesByAgent().keySet());
        this.types = List.copyOf(shape.outcomesByType().keySet());
        this.seed = seed;
    }

    List<QuerySpec> structured(int count) {
        Random random = new Random(seed ^ 0x5157L);
        List<QuerySpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            boolean include = random.nextInt(4) == 0;
            String agent = pick(random, agents);
            String type = pick(random, types);
            QuerySpec spec;
            if (roll < 25) {
                spec = structured("agent", List.of(agent), null, null, null, null, include, "valid_from");
            } else if (roll < 45) {
                Instant[] range = range(random, Duration.ofDays(7));
                spec = structured("agent+type+7d", List.of(agent), List.of(pick(random, shape.typesByAgent().get(agent))), null, null,
                        range, include, "valid_from");
            } else if (roll < 65) {
                spec = structured("type+confidence+3d", null, List.of(type), null, 0.5 + random.nextInt(9) * 0.05,
                        range(random, Duration.ofDays(3)), include, "confidence");
            } else if (roll < 80) {
                spec = structured("type+outcome", null, List.of(type), List.of(pick(random, shape.outcomesByType().get(type))), null, null,
                        include, "valid_from");
            } else {
                List<String> three = List.of(agent, pick(random, agents), pick(random, agents));
                spec = structured("3 agents+1d", three, null, null, null, range(random, Duration.ofDays(1)), include, "valid_from");
            }
            specs.add(spec);
        }
        return specs;
    }

    List<QuerySpec> temporal(int count) {
        Random random = new Random(seed ^ 0x7E3AL);
        List<QuerySpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            Instant asOf = between(random, shape.knownMin(), shape.knownMax());
            if (roll < 40) {
                specs.add(temporal("type as of", null, List.of(pick(random, types)), asOf, null));
            } else if (roll < 70) {
                specs.add(temporal("agent as of", List.of(pick(random, agents)), null, asOf, null));
            } else {
                specs.add(temporal("type as of, valid at", null, List.of(pick(random, types)), asOf,
                        between(random, shape.validMin(), shape.validMax())));
            }
        }
        return specs;
    }

    /** Vector queries; {@code text(i)} is the i-th situation (DecisionCorpus.query with the bench's seed). */
    List<QuerySpec> vector(int count, IntFunction<String> text) {
        Random random = new Random(seed ^ 0x7EC7L);
        List<QuerySpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            String query = text.apply(i);
            if (roll < 50) {
                specs.add(vector("text", null, null, null, query));
            } else if (roll < 75) {
                specs.add(vector("text+type", null, List.of(pick(random, types)), null, query));
            } else {
                specs.add(vector("text+agent+confidence", List.of(pick(random, agents)), null, 0.5, query));
            }
        }
        return specs;
    }

    private static QuerySpec structured(String shape, List<String> agents, List<String> types, List<String> outcomes,
                                        Double confidenceMin, Instant[] range, boolean include, String orderBy) {
        return new QuerySpec(Type.STRUCTURED, shape, agents, types, outcomes, confidenceMin == null ? null : round(confidenceMin),
                range == null ? null : range[0], range == null ? null : range[1], null, null, include, orderBy, LIMIT, null);
    }

    private static QuerySpec temporal(String shape, List<String> agents, List<String> types, Instant asOf, Instant validAt) {
        return new QuerySpec(Type.TEMPORAL, shape, agents, types, null, null, null, null, asOf, validAt, false, "valid_from", LIMIT, null);
    }

    private static QuerySpec vector(String shape, List<String> agents, List<String> types, Double confidenceMin, String text) {
        return new QuerySpec(Type.VECTOR, shape, agents, types, null, confidenceMin, null, null, null, null, false, null,
                SEARCH_LIMIT, text);
    }

    /** A window of {@code length} inside the valid-time range (or the whole range when it is shorter). */
    private Instant[] range(Random random, Duration length) {
        Instant latestStart = shape.validMax().minus(length);
        Instant from = latestStart.isAfter(shape.validMin()) ? between(random, shape.validMin(), latestStart) : shape.validMin();
        return new Instant[] {from, from.plus(length)};
    }

    /** Uniform in [from, to], to the millisecond (what an ISO-8601 instant in a request would carry). */
    static Instant between(Random random, Instant from, Instant to) {
        long span = Math.max(0, to.toEpochMilli() - from.toEpochMilli());
        return Instant.ofEpochMilli(from.toEpochMilli() + (long) (random.nextDouble() * (span + 1)));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static <T> T pick(Random random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}

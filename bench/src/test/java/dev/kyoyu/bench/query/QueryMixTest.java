package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QueryMixTest {
    private static final DatasetShape SHAPE = new DatasetShape(
            Map.of("risk-agent-001", List.of("loan_approval", "fraud_review"), "support-agent-001", List.of("refund_request")),
            Map.of("loan_approval", List.of("approve", "deny"), "fraud_review", List.of("allow", "block"),
                    "refund_request", List.of("full_refund")),
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"),
            Instant.parse("2026-04-01T10:00:00Z"), Instant.parse("2026-04-01T10:20:00Z"));

    @Test
    void sameSeedSameQueries() {
        assertEquals(new QueryMix(SHAPE, 1).structured(200), new QueryMix(SHAPE, 1).structured(200));
        assertEquals(new QueryMix(SHAPE, 1).temporal(200), new QueryMix(SHAPE, 1).temporal(200));
        assertNotEquals(new QueryMix(SHAPE, 1).structured(200), new QueryMix(SHAPE, 2).structured(200));
    }

    @Test
    void structuredQueriesUseEveryShapeAndOnlyWhatTheDataHolds() {
        List<QuerySpec> specs = new QueryMix(SHAPE, 3).structured(1_000);
        assertEquals(Set.of("agent", "agent+type+7d", "type+confidence+3d", "type+outcome", "3 agents+1d"),
                specs.stream().map(QuerySpec::shape).collect(Collectors.toSet()));
        for (QuerySpec s : specs) {
            assertEquals(QueryMix.LIMIT, s.limit());
            if (s.shape().equals("agent+type+7d")) {
                assertTrue(SHAPE.typesByAgent().get(s.agents().getFirst()).contains(s.decisionTypes().getFirst()), s.toString());
            }
            if (s.outcomes() != null) {
                assertTrue(SHAPE.outcomesByType().get(s.decisionTypes().getFirst()).contains(s.outcomes().getFirst()));
            }
            if (s.from() != null) {
                assertFalse(s.from().isBefore(SHAPE.validMin()));
                assertTrue(s.to().isAfter(s.from()));
            }
        }
        long withIncludes = specs.stream().filter(QuerySpec::include).count();
        assertEquals(250, withIncludes, 50);
    }

    @Test
    void temporalQueriesAskAboutInstantsOfTheBuild() {
        for (QuerySpec s : new QueryMix(SHAPE, 4).temporal(500)) {
            assertFalse(s.asOf().isBefore(SHAPE.knownMin()) || s.asOf().isAfter(SHAPE.knownMax()), s.asOf().toString());
            if (s.validAt() != null) {
                assertFalse(s.validAt().isBefore(SHAPE.validMin()) || s.validAt().isAfter(SHAPE.validMax()));
            }
        }
    }

    @Test
    void bodiesAreWhatQueryApiReads() {
        QuerySpec structured = new QueryMix(SHAPE, 5).structured(50).stream().filter(s -> s.shape().equals("type+confidence+3d"))
                .findFirst().orElseThrow();
        JsonNode body = structured.body();
        assertEquals(structured.decisionTypes().getFirst(), body.path("filters").path("decision_type").get(0).asText());
        assertEquals(structured.confidenceMin(), body.path("filters").path("confidence_min").asDouble(), 1e-9);
        assertEquals(structured.from().toString(), body.path("filters").path("time_range").path("from").asText());
        assertEquals("confidence", body.path("order_by").asText());
        assertEquals(20, body.path("limit").asInt());

        QuerySpec temporal = new QueryMix(SHAPE, 5).temporal(1).getFirst();
        assertEquals(temporal.asOf().toString(), temporal.body().path("as_of").asText());
        assertFalse(temporal.body().has("include_superseded"));

        QuerySpec vector = new QueryMix(SHAPE, 5).vector(1, i -> "a damaged espresso machine").getFirst();
        JsonNode search = vector.body();
        assertEquals("a damaged espresso machine", search.path("query").asText());
        assertEquals(10, search.path("limit").asInt());
        assertFalse(search.has("order_by"), "search orders by similarity and takes no order_by");
    }

    @Test
    void vectorQueriesCarryTheirTextAndSometimesAFilter() {
        List<QuerySpec> specs = new QueryMix(SHAPE, 6).vector(400, i -> "text " + i);
        assertEquals("text 17", specs.get(17).text());
        Map<String, Long> shapes = specs.stream().collect(Collectors.groupingBy(QuerySpec::shape, Collectors.counting()));
        assertEquals(200, shapes.get("text"), 40);
        assertTrue(shapes.get("text+type") > 50 && shapes.get("text+agent+confidence") > 50, shapes.toString());
    }
}

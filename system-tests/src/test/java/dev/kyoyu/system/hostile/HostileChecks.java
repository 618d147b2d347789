package dev.kyoyu.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What must still hold after a hostile suite: the services serve, and the sink has stored what came before. */
final class HostileChecks {
    private HostileChecks() {
    }

    static void postOrdinaryEventAndAwaitStored(HostileStack stack) {
        HttpJson ingest = new HttpJson(stack.ingest.port());
        HttpJson.Response posted = ingest.postJson("/v1/runs/" + stack.runA + "/events", stack.tokenA,
                Map.of("events", List.of(Map.of("event_type", "ToolCalled", "payload", Map.of("after", "the suite")))));
        assertEquals(202, posted.status(), posted.raw().body());
        String id = posted.data().path("event_ids").get(0).asText();
        Await.until(Duration.ofSeconds(30), "an ordinary event posted after the suite is stored",
                () -> stack.db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?::uuid", id) == 1);
    }

    static void assertServing(HostileStack stack) {
        HttpJson ingest = new HttpJson(stack.ingest.port());
        HttpJson query = new HttpJson(stack.query.port());
        assertEquals(200, ingest.get("/health", null).status(), "ingest-api /health");
        assertEquals(200, query.get("/health", null).status(), "query-api /health");
        HttpJson.Response run = ingest.postJson("/v1/runs", stack.tokenA, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        HttpJson.Response own = query.get("/v1/runs/" + stack.runA, stack.tokenA);
        assertEquals(200, own.status(), own.raw().body());
        HttpJson.Response decisions = query.postJson("/v1/query", stack.tokenB, Map.of("filters", Map.of("decision_type", "hostile_check")));
        assertEquals(200, decisions.status(), decisions.raw().body());
    }
}

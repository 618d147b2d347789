package dev.kyoyu.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryApp;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ingest-api, sink-worker and query-api in process on this test's own database and topics, and two
 * agents: A, the hostile one the cases post as, and B, whose run and decision are stored before the
 * cases start, so that cross-agent cases have something real to reach for.
 */
final class HostileStack implements AutoCloseable {
    final TestDatabase db;
    final IngestApp ingest;
    final SinkApp sink;
    final QueryApp query;
    final String agentA;
    final String agentB;
    final String tokenA;
    final String tokenB;
    /** A's own run, open. */
    final String runA;
    /** B's run, open, and the decision B traced in a run of its own. */
    final String runB;
    final String decisionB;
    final String traceRunB;
    /** A run id that never existed. */
    final String runNever = UUID.randomUUID().toString();

    private HostileStack(String name) {
        db = TestDatabase.create();
        Map<String, String> env = ServiceEnv.of(db, TestTopics.create(name + "-events", 3), TestTopics.create(name + "-dlq", 1));
        ingest = IngestApp.start(IngestConfig.fromEnv(env));
        sink = SinkApp.start(SinkConfig.fromEnv(env));
        query = QueryApp.start(QueryConfig.fromEnv(env));
        agentA = name + "-a";
        agentB = name + "-b";
        HttpJson api = new HttpJson(ingest.port());
        tokenA = TestTokens.token(agentA, Role.AGENT);
        tokenB = TestTokens.token(agentB, Role.AGENT);
        runA = startRun(api, tokenA);
        runB = startRun(api, tokenB);
        HttpJson.Response traced = api.postJson("/v1/trace", tokenB, Map.of("decision", Map.of(
                "decision_type", "hostile_check", "outcome", "secret-outcome-of-b", "reasoning", "only b may read this")));
        assertEquals(202, traced.status(), traced.raw().body());
        decisionB = traced.data().path("decision_id").asText();
        traceRunB = traced.data().path("run_id").asText();
        Await.until(Duration.ofSeconds(30), "B's runs and decision are stored", () ->
                db.queryLong("SELECT count(*) FROM agent_runs WHERE id IN (?::uuid, ?::uuid)", runB, traceRunB) == 2
                        && db.queryLong("SELECT count(*) FROM decisions WHERE id = ?::uuid", decisionB) == 1
                        && db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ?::uuid", runA) == 1);
    }

    static HostileStack start(String name) {
        return new HostileStack(name);
    }

    /** What of B must never show in an answer to A. */
    Set<String> foreign() {
        return Set.of(runB, decisionB, traceRunB, "secret-outcome-of-b", "only b may read this");
    }

    /** Rows A managed to store in B's runs (must stay 0). */
    long rowsOfAInRunsOfB() {
        return db.queryLong("SELECT count(*) FROM agent_events WHERE agent_id = ? AND run_id IN (?::uuid, ?::uuid)", agentA, runB, traceRunB)
                + db.queryLong("SELECT count(*) FROM decisions WHERE agent_id = ? AND run_id IN (?::uuid, ?::uuid)", agentA, runB, traceRunB);
    }

    /** B's runs still open / as B left them: nobody else completed or failed them. */
    long runsOfBNoLongerRunning() {
        return db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ?::uuid AND status <> 'running'", runB);
    }

    List<String> serviceNames() {
        return List.of("ingest-api", "query-api");
    }

    private static String startRun(HttpJson api, String token) {
        HttpJson.Response run = api.postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        return run.data().path("id").asText();
    }

    @Override
    public void close() throws Exception {
        ingest.close();
        sink.close();
        query.close();
        db.close();
    }
}

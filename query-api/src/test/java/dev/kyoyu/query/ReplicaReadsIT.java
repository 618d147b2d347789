package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * query-api on the shared primary plus a real streaming replica of it (deploy/local/replica.sh): reads go to the
 * replica, fall back to the primary when it lags or is gone, come back when it returns, and a writer reads its
 * unfinished run from the primary.
 */
class ReplicaReadsIT {
    private static final String REPLICA = "query-replica-1";
    private static final String PRIMARY = "query-primary";
    private static final Duration MAX_LAG = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestDatabase db;
    private static StreamingReplica replica;
    private static QueryApp app;
    private static HttpJson http;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        replica = StreamingReplica.start();
        // The test's database was created before the copy, but wait for it anyway: a replica reused by
        // replica.sh would receive it through WAL.
        Await.until(WAIT, "the test database on the replica", () -> replicaLong("SELECT count(*) FROM decisions") >= 0);
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_QUERY_REPLICA_URLS", replica.urlOf(db.url()));
        env.put("KYOYU_QUERY_REPLICA_MAX_LAG", MAX_LAG.toSeconds() + "s");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void replicaServes() {
        awaitReplicaState("serving");
    }

    @Test
    @DisplayName("queries are served by the replica, by the primary while the replica is down, and by the replica again once it is back")
    void servesFromTheReplicaSurvivesItsLossAndReturnsToIt() throws Exception {
        String agent = "replica-agent-" + UUID.randomUUID();
        DecisionRows.decision(agent, "loan_approval", "approve").insert(db);
        String token = QueryTestApp.token(agent);

        HttpJson.Response fromReplica = awaitQuery(token, agent, 1, REPLICA);
        assertEquals(REPLICA, fromReplica.raw().headers().firstValue("X-Kyoyu-Read-From").orElseThrow());
        double replicaReads = reads("structured", REPLICA);
        assertTrue(replicaReads >= 1, "kyoyu_query_reads_total counts the replica's answer");
        assertTrue(replicaSessions() > 0, "the replica pool's sessions show on the replica (application_name)");

        long pid = replica.pid();
        replica.stop();
        assertTrue(ProcessHandle.of(pid).isEmpty(), "the replica's postmaster " + pid + " is gone");
        DecisionRows.decision(agent, "loan_approval", "deny").insert(db);
        // The first query after the loss may still pick the replica (its last check was fine): it must fail over.
        HttpJson.Response afterLoss = query(token, agent);
        assertEquals(200, afterLoss.status(), afterLoss.raw().body());
        assertEquals(PRIMARY, readFrom(afterLoss));
        assertEquals(2, afterLoss.data().path("total").asLong(), "the primary has both decisions");
        for (int i = 0; i < 5; i++) {
            assertEquals(PRIMARY, readFrom(query(token, agent)));
        }
        assertEquals(replicaReads, reads("structured", REPLICA), "nothing was counted for the stopped replica");
        awaitReplicaState("unavailable");
        HttpJson.Response health = http.get("/health", null);
        assertEquals(200, health.status(), "a lost replica leaves query-api healthy");
        assertEquals("ok", health.data().path("checks").path("postgres").asText());

        replica.startAgain();
        awaitReplicaState("serving");
        HttpJson.Response back = awaitQuery(token, agent, 2, REPLICA);
        assertEquals(2, back.data().path("total").asLong(), "the replica caught up with what it missed");
        assertTrue(reads("structured", REPLICA) > replicaReads);
    }

    @Test
    @DisplayName("a replica further behind than the bound is skipped until it catches up")
    void skipsALaggingReplica() throws Exception {
        String agent = "lag-agent-" + UUID.randomUUID();
        String token = QueryTestApp.token(agent);
        DecisionRows.decision(agent, "route_planning", "north").insert(db);
        awaitQuery(token, agent, 1, REPLICA);
        try (Connection c = replicaConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
            try {
                DecisionRows.decision(agent, "route_planning", "south").insert(db);
                awaitReplicaState("lagging");
                HttpJson.Response fromPrimary = query(token, agent);
                assertEquals(PRIMARY, readFrom(fromPrimary));
                assertEquals(2, fromPrimary.data().path("total").asLong());
                assertTrue(fallbacks("no_fresh_replica") > 0);
            } finally {
                s.execute("SELECT pg_wal_replay_resume()");
            }
        }
        awaitReplicaState("serving");
        assertEquals(2, awaitQuery(token, agent, 2, REPLICA).data().path("total").asLong());
    }

    @Test
    @DisplayName("a writer reads its run from the primary until the replica shows it finished")
    void readsItsOwnRunWhileTheReplicaMayLag() throws Exception {
        String agent = "run-agent-" + UUID.randomUUID();
        String token = QueryTestApp.token(agent);
        UUID run = UUID.randomUUID();
        DecisionRows.execute(db, "INSERT INTO agent_runs (id, agent_id, status, started_at) VALUES (?, ?, 'running', now())", run, agent);
        insertEvent(run, agent, 1);

        HttpJson.Response justWritten = http.get("/v1/runs/" + run, token);
        assertEquals(200, justWritten.status(), "readable by its writer at once: " + justWritten.raw().body());
        assertEquals(PRIMARY, readFrom(justWritten));
        Await.until(WAIT, "the running run on the replica", () -> replicaLong("SELECT count(*) FROM agent_events WHERE run_id = '" + run + "'") == 1);
        insertEvent(run, agent, 2);
        HttpJson.Response running = http.get("/v1/runs/" + run, token);
        assertEquals(PRIMARY, readFrom(running), "a run the replica shows running is read on the primary");
        assertEquals(2, running.data().path("events").size());

        DecisionRows.execute(db, "UPDATE agent_runs SET status = 'completed', completed_at = now() WHERE id = ?", run);
        HttpJson.Response completed = http.get("/v1/runs/" + run, token);
        assertEquals("completed", completed.data().path("run").path("status").asText(), "wherever it was read");
        assertEquals(2, completed.data().path("events").size());
        Await.until(WAIT, "the finished run served by the replica", () -> REPLICA.equals(readFrom(http.get("/v1/runs/" + run, token))));
        HttpJson.Response finished = http.get("/v1/runs/" + run, token);
        assertEquals("completed", finished.data().path("run").path("status").asText());
        assertEquals(2, finished.data().path("events").size());

        HttpJson.Response unknown = http.get("/v1/runs/" + UUID.randomUUID(), token);
        assertEquals(404, unknown.status());
        assertTrue(fallbacks("not_on_replica") > 0, "runs the replica lacks are asked of the primary");
    }

    @Test
    @DisplayName("X-Kyoyu-Consistency: strong reads the primary; an unknown value is a 400 naming the header")
    void strongConsistencyReadsThePrimary() {
        String agent = "strong-agent-" + UUID.randomUUID();
        String token = QueryTestApp.token(agent);
        DecisionRows.decision(agent, "loan_approval", "approve").insert(db);
        HttpJson.Response strong = send(HttpRequest.newBuilder(URI.create(http.baseUrl() + "/v1/agents/" + agent + "/history"))
                .header("Authorization", "Bearer " + token).header("X-Kyoyu-Consistency", "strong").GET().build());
        assertEquals(200, strong.status(), strong.raw().body());
        assertEquals(PRIMARY, readFrom(strong));
        assertEquals(1, strong.data().path("total").asLong(), "the primary has the decision the moment it is committed");

        HttpJson.Response bad = send(HttpRequest.newBuilder(URI.create(http.baseUrl() + "/v1/agents/" + agent + "/history"))
                .header("Authorization", "Bearer " + token).header("X-Kyoyu-Consistency", "strongest").GET().build());
        assertEquals(400, bad.status());
        assertEquals("X-Kyoyu-Consistency", bad.error().path("details").path("field").asText());
    }

    @Test
    void reportsReplicaHealthAndPoolMetrics() {
        JsonNode replicaHealth = http.get("/health", null).data().path("checks").path("replicas").path(REPLICA);
        assertEquals("serving", replicaHealth.path("state").asText(), replicaHealth.toString());
        assertTrue(replicaHealth.path("lag_seconds").asDouble() <= MAX_LAG.toSeconds());
        String metrics = http.get("/metrics", null).raw().body();
        assertTrue(metrics.contains("hikaricp_connections_active{pool=\"" + REPLICA + "\""), "pool utilisation per pool");
        assertTrue(metrics.contains("hikaricp_connections_max{pool=\"" + PRIMARY + "\""));
        assertTrue(metrics.contains("kyoyu_query_replica_lag_seconds{pool=\"" + REPLICA + "\""));
        // On a busy primary the lag may cross the bound between two requests: wait for the fact, not the moment.
        Await.until(WAIT, "kyoyu_query_replica_serving 1", () -> counter("kyoyu_query_replica_serving", "pool=\"" + REPLICA + "\"") == 1.0);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static HttpJson.Response query(String token, String agent) {
        return http.postJson("/v1/query", token, Map.of("filters", Map.of("agent_id", agent)));
    }

    /** Polls /v1/query until {@code pool} answers with {@code total} decisions. */
    private static HttpJson.Response awaitQuery(String token, String agent, int total, String pool) {
        HttpJson.Response[] last = new HttpJson.Response[1];
        Await.until(WAIT, total + " decisions of " + agent + " from " + pool, () -> {
            last[0] = query(token, agent);
            return last[0].status() == 200 && pool.equals(readFrom(last[0])) && last[0].data().path("total").asLong() == total;
        });
        return last[0];
    }

    private static void awaitReplicaState(String state) {
        Await.until(WAIT, "replica " + state + " in /health", () -> state.equals(
                http.get("/health", null).data().path("checks").path("replicas").path(REPLICA).path("state").asText()));
    }

    private static String readFrom(HttpJson.Response response) {
        return response.raw().headers().firstValue("X-Kyoyu-Read-From").orElse("(none)");
    }

    private static HttpJson.Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpJson.Response(response.statusCode(), EventJson.MAPPER.readTree(response.body()), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of a counter in /metrics whose labels include all of {@code labels} (0 when absent). */
    private static double counter(String name, String... labels) {
        String metrics = http.get("/metrics", null).raw().body();
        Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (line.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= line.group(1).contains(label);
            }
            if (all) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }

    private static double reads(String queryType, String pool) {
        return counter("kyoyu_query_reads_total", "query_type=\"" + queryType + "\"", "pool=\"" + pool + "\"");
    }

    private static double fallbacks(String reason) {
        return counter("kyoyu_query_replica_fallbacks_total", "reason=\"" + reason + "\"");
    }

    private static Connection replicaConnection() throws SQLException {
        return DriverManager.getConnection(replica.urlOf(db.url()), TestStack.pgUser(), TestStack.pgPassword());
    }

    private static long replicaLong(String sql) throws SQLException {
        try (Connection c = replicaConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Sessions of query-api's replica pool on the replica, seen from the replica itself. */
    private static long replicaSessions() throws SQLException {
        try (Connection c = replicaConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()")) {
            s.setString(1, REPLICA);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void insertEvent(UUID run, String agent, long offset) {
        DecisionRows.execute(db, "INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, "
                + "kafka_partition, kafka_offset) VALUES (?, ?, ?, 'Step', now(), now(), '{}'::jsonb, 0, ?)",
                UUID.randomUUID(), run, agent, offset);
    }
}

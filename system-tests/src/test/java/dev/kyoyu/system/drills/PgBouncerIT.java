package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: {@code ./kyoyu up --pooler} puts PgBouncer in transaction mode between the services and PostgreSQL. The
 * sink stores a load through it (COPY, offsets in the same transaction), query-api answers the same read more times
 * than pgjdbc's prepareThreshold (so its named prepared statements run through the pooler), and PgBouncer's own
 * admin console shows the services as its clients and their transactions in its counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("PgBouncer in transaction mode: every service reaches PostgreSQL through it")
class PgBouncerIT {
    /** pgjdbc switches a statement to a named server-side one from its fifth run (prepareThreshold). */
    private static final int READS = 12;
    private static final Duration STORED = Duration.ofSeconds(90);

    private LocalStack stack;
    private LoadGenerator.Report report;
    private final Map<Integer, Integer> readStatuses = new HashMap<>();
    private Map<String, Long> statsBefore;

    @BeforeAll
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void runLoadThroughThePooler() throws SQLException {
        stack = LocalStack.isolated("pooler");
        stack.up("--pooler", "ingest-api", "sink-worker", "query-api");
        statsBefore = stats();
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("pooler", 3, 1))
                .clients(2).batchSize(20).pause(Duration.ofMillis(20))
                .maxRequestsPerClient(10).maxDuration(Duration.ofMinutes(2))
                .start();
        Await.until(Duration.ofMinutes(3), "the load's requests answered", load::finished);
        report = load.stop();
        Delivery.awaitStored(stack, report.acknowledged().size(), STORED);
        UUID run = report.runIds().iterator().next();
        String agent = agentOf(run);
        HttpJson query = new HttpJson(stack.queryPort());
        for (int i = 0; i < READS; i++) {
            readStatuses.merge(query.get("/v1/runs/" + run, stack.token(agent)).status(), 1, Integer::sum);
        }
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("every acknowledged event is stored exactly once through the pooler")
    void everyAcknowledgedEventIsStoredExactlyOnce() {
        assertEquals(Set.of(202), report.statusCounts().keySet(), report::toString);
        Delivery.assertStoredExactlyOnce(stack, report.acknowledged());
    }

    @Test
    @DisplayName("query-api answers the same read " + READS + " times: its named prepared statements work in transaction mode")
    void repeatedReadsAnswer() {
        assertEquals(Map.of(200, READS), readStatuses);
    }

    @Test
    @DisplayName("PgBouncer's SHOW CLIENTS lists the sink's and query-api's pools, and SHOW STATS counts their transactions")
    void theServicesTrafficGoesThroughPgBouncer() throws SQLException {
        Set<String> clients = new HashSet<>();
        try (Connection admin = adminConsole(); Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SHOW CLIENTS")) {
            while (rows.next()) {
                if ("kyoyu".equals(rows.getString("database"))) {
                    clients.add(rows.getString("application_name"));
                }
            }
        }
        assertTrue(clients.containsAll(Set.of("sink-primary", "query-primary")), "PgBouncer's clients: " + clients);
        Map<String, Long> after = stats();
        long transactions = after.get("total_xact_count") - statsBefore.get("total_xact_count");
        assertTrue(transactions >= READS, "transactions PgBouncer pooled for database kyoyu: " + transactions);
        assertTrue(after.get("total_server_parse_count") > statsBefore.get("total_server_parse_count"),
                "PgBouncer prepared named statements on the server for its clients: " + after);
    }

    @Test
    @DisplayName("PgBouncer runs in transaction mode with protocol-level prepared statements")
    void thePoolerIsInTransactionMode() throws SQLException {
        Map<String, String> config = new HashMap<>();
        try (Connection admin = adminConsole(); Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SHOW CONFIG")) {
            while (rows.next()) {
                config.put(rows.getString("key"), rows.getString("value"));
            }
        }
        assertEquals("transaction", config.get("pool_mode"));
        assertTrue(Integer.parseInt(config.get("max_prepared_statements")) > 0, "max_prepared_statements " + config);
    }

    /** PgBouncer's counters for database kyoyu. */
    private Map<String, Long> stats() throws SQLException {
        Map<String, Long> stats = new HashMap<>();
        try (Connection admin = adminConsole(); Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SHOW STATS")) {
            while (rows.next()) {
                if ("kyoyu".equals(rows.getString("database"))) {
                    stats.put("total_xact_count", rows.getLong("total_xact_count"));
                    stats.put("total_server_parse_count", rows.getLong("total_server_parse_count"));
                }
            }
        }
        assertEquals(2, stats.size(), "SHOW STATS has a row for database kyoyu");
        return stats;
    }

    /** The admin console (database pgbouncer) speaks the simple query protocol only. */
    private Connection adminConsole() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + stack.pgbouncerPort() + "/pgbouncer?preferQueryMode=simple",
                "kyoyu", stack.env().get("KYOYU_PG_PASSWORD"));
    }

    private String agentOf(UUID run) throws SQLException {
        try (Connection connection = stack.connect();
             var statement = connection.prepareStatement("SELECT agent_id FROM agent_events WHERE run_id = ? LIMIT 1")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next(), "run " + run + " has stored events");
                return rows.getString(1);
            }
        }
    }
}

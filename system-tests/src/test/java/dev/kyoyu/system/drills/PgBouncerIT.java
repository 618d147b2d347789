package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.CommandOutput;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import dev.kyoyu.testsupport.TestStack;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
    private Map<String, String> statsBefore;

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
    void theServicesTrafficGoesThroughPgBouncer() {
        Set<String> clients = new HashSet<>();
        for (Map<String, String> client : show("clients")) {
            if ("kyoyu".equals(client.get("database"))) {
                clients.add(client.get("application_name"));
            }
        }
        assertTrue(clients.containsAll(Set.of("sink-primary", "query-primary")), "PgBouncer's clients: " + clients);
        Map<String, String> after = stats();
        long transactions = Long.parseLong(after.get("total_xact_count")) - Long.parseLong(statsBefore.get("total_xact_count"));
        assertTrue(transactions >= READS, "transactions PgBouncer pooled for database kyoyu: " + transactions);
        assertTrue(Long.parseLong(after.get("total_server_parse_count")) > Long.parseLong(statsBefore.get("total_server_parse_count")),
                "PgBouncer prepared named statements on the server for its clients: " + after);
    }

    @Test
    @DisplayName("PgBouncer runs in transaction mode with protocol-level prepared statements")
    void thePoolerIsInTransactionMode() {
        Map<String, String> config = new HashMap<>();
        for (Map<String, String> row : show("config")) {
            config.put(row.get("key"), row.get("value"));
        }
        assertEquals("transaction", config.get("pool_mode"));
        assertTrue(Integer.parseInt(config.get("max_prepared_statements")) > 0, "max_prepared_statements " + config);
    }

    /** PgBouncer's counters for database kyoyu. */
    private Map<String, String> stats() {
        return show("stats").stream().filter(row -> "kyoyu".equals(row.get("database"))).findFirst()
                .orElseThrow(() -> new AssertionError("SHOW STATS has no row for database kyoyu"));
    }

    /** {@code SHOW WHAT} on PgBouncer's admin console, through {@code deploy/local/pgbouncer.sh show} (the root's psql). */
    private List<Map<String, String>> show(String what) {
        ProcessBuilder builder = new ProcessBuilder(Path.of(TestStack.stackDir(), "deploy/local/pgbouncer.sh").toString(), "show", what)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(stack.env());
        List<String> lines = CommandOutput.of(builder, Duration.ofSeconds(30)).lines().toList();
        String[] header = lines.get(0).split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
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

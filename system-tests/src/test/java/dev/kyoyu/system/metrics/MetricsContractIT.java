package dev.kyoyu.system.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.embedder.EmbedderApp;
import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryApp;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.stream.StreamApp;
import dev.kyoyu.stream.StreamConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of the metrics contract (the names dashboards and alerts use) show real values on every service's
 * /metrics after a short load: events of several types, each kind of query, a vector search. All five services run in
 * process on this test's own database and topics, on the real Kafka and PostgreSQL (TimescaleDB's Apache edition).
 */
class MetricsContractIT {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String AGENT = "metrics-agent-" + SUFFIX;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The test JVM's log file (test-support's logback-test.xml), read from where it stood before the sink started. */
    private static final Path LOG = Path.of(System.getProperty("kyoyu.test.log", "target/test-logs/tests.log"));

    private static TestDatabase db;
    private static String eventsTopic;
    private static String decisionsTopic;
    private static IngestApp ingest;
    private static StreamApp stream;
    private static SinkApp sink;
    private static EmbedderApp embedder;
    private static QueryApp query;
    private static long logStart;
    /** The similarity_score of each hit of the one search the load makes. */
    private static final List<Double> hitScores = new ArrayList<>();
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.create();
        eventsTopic = TestTopics.create("metrics-events", 3);
        Map<String, String> env = ServiceEnv.of(db, eventsTopic, TestTopics.create("metrics-dlq", 1));
        decisionsTopic = "test.metrics-decisions." + SUFFIX;
        env.put("KYOYU_DECISIONS_TOPIC", decisionsTopic);
        env.put("KYOYU_CONFLICTS_TOPIC", "test.metrics-conflicts." + SUFFIX);
        env.put("KYOYU_DECISIONS_REJECTED_TOPIC", "test.metrics-rejected." + SUFFIX);
        env.put("KYOYU_STREAM_TOPIC_PARTITIONS", "3");
        env.put("KYOYU_STREAM_PORT", "0");
        env.put("KYOYU_STREAM_APPLICATION_ID", "metrics-it-" + SUFFIX);
        env.put("KYOYU_STREAM_STATE_DIR", stateDir.toString());
        env.put("KYOYU_SINK_DECISIONS", "true");
        env.put("KYOYU_STORAGE_METRICS_INTERVAL", "1s");
        env.put("KYOYU_EMBEDDER_PORT", "0");
        env.put("KYOYU_EMBEDDER_IDLE_BACKOFF_MIN", "20ms");
        env.put("KYOYU_EMBEDDER_IDLE_BACKOFF_MAX", "200ms");
        logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
        ingest = IngestApp.start(IngestConfig.fromEnv(env));
        stream = StreamApp.start(StreamConfig.fromEnv(env));
        sink = SinkApp.start(SinkConfig.fromEnv(env));
        embedder = EmbedderApp.start(EmbedderConfig.fromEnv(env));
        query = QueryApp.start(QueryConfig.fromEnv(env));
        load();
    }

    @AfterAll
    static void stop() throws Exception {
        query.close();
        embedder.close();
        sink.close();
        stream.close();
        ingest.close();
        db.close();
    }

    /**
     * One run of 6 ToolCalled (one of them three days old, in a chunk of its own), 3 Message, 2 Observation and one
     * type Kyoyu does not know; two traced decisions; then every kind of read once the decisions are embedded.
     */
    private static void load() {
        HttpJson in = new HttpJson(ingest.port());
        String token = TestTokens.token(AGENT, Role.AGENT);
        HttpJson.Response run = in.postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        String runId = run.data().path("id").asText();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(Map.of("event_type", "ToolCalled", "payload", Map.of("i", i)));
        }
        events.add(Map.of("event_type", "ToolCalled", "occurred_at", Instant.now().minus(Duration.ofDays(3)).toString(), "payload", Map.of()));
        for (int i = 0; i < 3; i++) {
            events.add(Map.of("event_type", "Message", "payload", Map.of("i", i)));
        }
        events.add(Map.of("event_type", "Observation", "payload", Map.of()));
        events.add(Map.of("event_type", "Observation", "payload", Map.of()));
        events.add(Map.of("event_type", "acme.RiskScored", "payload", Map.of()));
        HttpJson.Response posted = in.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", events));
        assertEquals(202, posted.status(), posted.raw().body());
        trace(in, token, "loan_approval", "approve", "the applicant's income covers the installment three times");
        trace(in, token, "server_scaling", "add two replicas", "CPU above 80 percent for ten minutes");
        Await.until(WAIT, "both decisions are stored and embedded", () -> db.queryLong(
                "SELECT count(*) FROM decisions WHERE agent_id = ? AND embedding IS NOT NULL", AGENT) == 2);

        HttpJson out = new HttpJson(query.port());
        assertEquals(200, out.postJson("/v1/query", token, Map.of("filters", Map.of("agent_id", List.of(AGENT)))).status());
        assertEquals(200, out.get("/v1/runs/" + runId, token).status());
        assertEquals(200, out.get("/v1/agents/" + AGENT + "/history", token).status());
        HttpJson.Response search = out.postJson("/v1/search", token, Map.of("query", "loan for a customer with high income", "limit", 5));
        assertEquals(200, search.status(), search.raw().body());
        search.data().path("results").forEach(hit -> hitScores.add(hit.path("similarity_score").asDouble()));
    }

    private static void trace(HttpJson in, String token, String type, String outcome, String reasoning) {
        HttpJson.Response traced = in.postJson("/v1/trace", token, Map.of("decision",
                Map.of("decision_type", type, "outcome", outcome, "confidence", 0.8, "reasoning", reasoning)));
        assertEquals(202, traced.status(), traced.raw().body());
    }

    @Test
    @DisplayName("ingest counts accepted events by type (unknown types as other) and its producer buffer drains to 0")
    void ingestCountsEventsByType() {
        Scrape metrics = Scrape.of(ingest.port());
        assertEquals(6, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "ToolCalled", "outcome", "accepted")));
        assertEquals(3, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "Message", "outcome", "accepted")));
        assertEquals(2, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "Observation", "outcome", "accepted")));
        assertEquals(1, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "other", "outcome", "accepted")));
        assertEquals(2, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "DecisionTraced", "outcome", "accepted")));
        assertEquals(3, metrics.value("kyoyu_events_ingested_total", Map.of("event_type", "RunStarted", "outcome", "accepted")));
        Await.until(WAIT, "no event waits for Kafka's acknowledgement",
                () -> Scrape.of(ingest.port()).value("kyoyu_ingest_inflight_events") == 0);
    }

    @Test
    @DisplayName("query-api counts the rows of each query type and the similarity of each search hit, in the bucket of its score")
    void queryCountsResultsAndSimilarity() {
        Scrape metrics = Scrape.of(query.port());
        assertEquals(2, metrics.value("kyoyu_query_results_total", Map.of("query_type", "structured")));
        assertEquals(13, metrics.value("kyoyu_query_results_total", Map.of("query_type", "run")), "the run's start and its 12 events");
        assertEquals(2, metrics.value("kyoyu_query_results_total", Map.of("query_type", "history")));
        assertEquals(2, metrics.value("kyoyu_query_results_total", Map.of("query_type", "search")));
        assertEquals(0, metrics.value("kyoyu_query_results_total", Map.of("query_type", "temporal")), "every type is there from the start");
        assertEquals(2, metrics.value("kyoyu_search_similarity_score_count"));
        double sum = metrics.value("kyoyu_search_similarity_score_sum");
        assertEquals(hitScores.stream().mapToDouble(Double::doubleValue).sum(), sum, 1e-9, "the two hits' similarities, summed");

        assertTrue(hitScores.stream().anyMatch(score -> score < 0.9), "a hit below the top buckets, to tell them apart: " + hitScores);
        for (double bound : new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0}) {
            long atMost = hitScores.stream().filter(score -> score <= bound).count();
            assertEquals(atMost, metrics.value("kyoyu_search_similarity_score_bucket", Map.of("le", Double.toString(bound))),
                    "hits " + hitScores + " with a similarity of at most " + bound + "\n" + metrics.lines("kyoyu_search_similarity_score"));
        }
    }

    @Test
    @DisplayName("every HikariCP pool reports its active connections and a utilization between 0 and 1")
    void poolsReportUtilization() {
        assertPools(Scrape.of(query.port()), "query-primary");
        assertPools(Scrape.of(sink.metricsPort()), "sink-primary", "sink-health", "sink-storage");
        assertPools(Scrape.of(embedder.port()), "embedder");
    }

    private static void assertPools(Scrape metrics, String... pools) {
        for (String pool : pools) {
            double active = metrics.value("kyoyu_active_connections", Map.of("pool", pool));
            double ratio = metrics.value("kyoyu_pool_utilization_ratio", Map.of("pool", pool));
            assertTrue(active >= 0, pool + " active " + active);
            assertTrue(ratio >= 0 && ratio <= 1, pool + " utilization " + ratio);
        }
    }

    @Test
    @DisplayName("the sink reports table sizes and chunks by state; no compression ratio nor oldest uncompressed chunk age on the Apache edition, said once")
    void sinkReportsStorage() throws IOException {
        Await.until(WAIT, "a storage reading that includes the three-day-old chunk", () -> {
            Scrape metrics = Scrape.of(sink.metricsPort());
            return metrics.value("kyoyu_chunk_count", Map.of("state", "uncompressed")) >= 2;
        });
        Scrape metrics = Scrape.of(sink.metricsPort());
        assertTrue(metrics.value("kyoyu_db_table_size_bytes", Map.of("table", "agent_events")) > 0, metrics.lines("kyoyu_db_table_size_bytes"));
        assertTrue(metrics.value("kyoyu_db_table_size_bytes", Map.of("table", "decisions")) > 0);
        assertTrue(metrics.all("kyoyu_db_table_size_bytes", Map.of("table", "databasechangelog")).isEmpty(), "Liquibase's table is not Kyoyu's");
        assertEquals(0, metrics.value("kyoyu_chunk_count", Map.of("state", "compressed")));
        assertTrue(metrics.all("kyoyu_compression_ratio", Map.of()).isEmpty(), metrics.lines("kyoyu_compression_ratio"));
        // Nothing can compress the three-day-old chunk here: an age that only grows would fire an alert nobody can clear.
        assertTrue(metrics.all("kyoyu_chunk_oldest_uncompressed_age_seconds", Map.of()).isEmpty(),
                metrics.lines("kyoyu_chunk_oldest_uncompressed_age_seconds"));
        Await.until(WAIT, "the sink has read storage several times", () -> sinkLog().contains("could not read") || readings() >= 3);
        String log = sinkLog();
        assertFalse(log.contains("could not read table sizes"), log);
        assertEquals(1, log.lines().filter(l -> l.contains("kyoyu_compression_ratio and kyoyu_chunk_oldest_uncompressed_age_seconds are not reported")).count(),
                "one line saying why, however many readings: " + log);
        assertTrue(log.contains("TimescaleDB here is the Apache edition (timescaledb.license=apache)"), log);
    }

    /** Storage readings so far, counted from the sink-storage pool's connections (Hikari's own counter of uses). */
    private static double readings() {
        return Scrape.of(sink.metricsPort()).value("hikaricp_connections_usage_seconds_count", Map.of("pool", "sink-storage"));
    }

    private static String sinkLog() throws IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the sink reports the lag of every partition it owns, which reaches 0 once every record is stored, transaction markers and all")
    void sinkReportsLagPerPartition() {
        String group = "sink-" + eventsTopic;
        Await.until(WAIT, "all partitions of the events and decisions topics at lag 0", () -> {
            Scrape metrics = Scrape.of(sink.metricsPort());
            return caughtUp(metrics, group, eventsTopic) && caughtUp(metrics, group + ".decisions", decisionsTopic);
        });
        assertEquals(19, db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?", eventsTopic),
                "1 run start, 12 events, 3 per trace: lag 0 means every one is stored");
    }

    /**
     * Each of the topic's three partitions has a series, at 0; the decision stream writes in transactions. A series the
     * worker has not published yet (it has not been assigned the partition, or not measured it) is not caught up.
     */
    private static boolean caughtUp(Scrape metrics, String group, String topic) {
        for (int partition = 0; partition < 3; partition++) {
            List<Scrape.Series> lag = metrics.all("kyoyu_consumer_lag_records",
                    Map.of("group", group, "topic", topic, "partition", Integer.toString(partition)));
            if (lag.size() != 1 || lag.getFirst().value() != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    @DisplayName("every service says it is ready, and the decision stream that it is running")
    void readinessAndStreamState() {
        Map<String, Integer> ports = Map.of("ingest-api", ingest.port(), "query-api", query.port(), "sink-worker", sink.metricsPort(),
                "decision-stream", stream.metricsPort(), "embedder", embedder.port());
        ports.forEach((service, port) -> Await.until(WAIT, service + " reports kyoyu_ready 1",
                () -> Scrape.of(port).value("kyoyu_ready", Map.of("service", service)) == 1));
        assertEquals(1, Scrape.of(stream.metricsPort()).value("kyoyu_stream_running"));
    }
}

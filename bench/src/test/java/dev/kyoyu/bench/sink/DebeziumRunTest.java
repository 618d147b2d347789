package dev.kyoyu.bench.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.bench.BenchEnv;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebeziumRunTest {
    private static final BenchEnv ENV = new BenchEnv("127.0.0.1:9092", "jdbc:postgresql://127.0.0.1:5432/postgres", "kyoyu",
            "secret", Path.of("/repo"), Path.of("/repo/.kyoyu"), "320m");
    private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/kyoyu_bench_dbz";
    private static final String TOPIC = "bench.sink-peer.0123abcd";

    @Test
    void upsertRunsKeyOnAgentEventsPrimaryKeyAndInsertRunsOnNothing() {
        assertTrue(DebeziumRun.CONFIGS.values().stream().anyMatch(DebeziumRun.Config::upsert), "no upsert run to check");
        for (DebeziumRun.Config config : DebeziumRun.CONFIGS.values()) {
            Map<String, String> p = DebeziumRun.connectorProperties(ENV, DATABASE, config, TOPIC);
            if (config.upsert()) {
                assertEquals("upsert", p.get("insert.mode"), config.key());
                assertEquals("record_value", p.get("primary.key.mode"), config.key());
                // agent_events' primary key (changelog 011): the conflict target ON CONFLICT needs.
                assertEquals("id,agent_id,occurred_at", p.get("primary.key.fields"), config.key());
            } else {
                assertEquals("insert", p.get("insert.mode"), config.key());
                assertEquals("none", p.get("primary.key.mode"), config.key());
                assertFalse(p.containsKey("primary.key.fields"), config.key());
            }
        }
    }

    @Test
    void everyRunWritesItsTopicIntoAgentEventsWithItsBatchSizeAndTasks() {
        for (DebeziumRun.Config config : DebeziumRun.CONFIGS.values()) {
            Map<String, String> p = DebeziumRun.connectorProperties(ENV, DATABASE, config, TOPIC);
            assertEquals(TOPIC, p.get("topics"), config.key());
            assertEquals("agent_events", p.get("collection.name.format"), config.key());
            assertEquals("none", p.get("schema.evolution"), config.key());
            assertEquals(Integer.toString(config.batchSize()), p.get("batch.size"), config.key());
            assertEquals(Integer.toString(config.tasks()), p.get("tasks.max"), config.key());
            assertEquals(ENV.pgUser(), p.get("connection.username"), config.key());
        }
    }

    @Test
    void reWriteBatchedInsertsIsTheUrlsFirstParameterOrJoinsTheExistingQuery() {
        DebeziumRun.Config rewrite = DebeziumRun.CONFIGS.get("dbz-b5000-rw");
        DebeziumRun.Config plain = DebeziumRun.CONFIGS.get("dbz");
        assertEquals(DATABASE + "?reWriteBatchedInserts=true", connectionUrl(DATABASE, rewrite));
        assertEquals(DATABASE + "?sslmode=disable&reWriteBatchedInserts=true", connectionUrl(DATABASE + "?sslmode=disable", rewrite));
        assertEquals(DATABASE, connectionUrl(DATABASE, plain));
        assertEquals(DATABASE + "?sslmode=disable", connectionUrl(DATABASE + "?sslmode=disable", plain));
        for (DebeziumRun.Config config : DebeziumRun.CONFIGS.values()) {
            assertEquals(config.rewriteBatchedInserts(), connectionUrl(DATABASE, config).contains("reWriteBatchedInserts=true"),
                    config.key());
        }
    }

    @Test
    void onePollHandsTheTaskAtLeastAWholeBatchOfSchemadJson(@TempDir Path scratch) {
        for (DebeziumRun.Config config : DebeziumRun.CONFIGS.values()) {
            Map<String, String> p = DebeziumRun.workerProperties(ENV, config, scratch);
            int pollRecords = Integer.parseInt(p.get("consumer.max.poll.records"));
            assertTrue(pollRecords >= config.batchSize(), config.key() + ": " + pollRecords + " records a poll");
            assertEquals("org.apache.kafka.connect.json.JsonConverter", p.get("value.converter"), config.key());
            assertEquals("true", p.get("value.converter.schemas.enable"), config.key());
            assertEquals("earliest", p.get("consumer.auto.offset.reset"), config.key());
            assertEquals(ENV.kafkaBootstrap(), p.get("bootstrap.servers"), config.key());
            assertTrue(Path.of(p.get("offset.storage.file.filename")).startsWith(scratch), config.key());
        }
    }

    @Test
    void thePropertiesFilesReadBackAsWritten(@TempDir Path scratch) throws Exception {
        for (DebeziumRun.Config config : DebeziumRun.CONFIGS.values()) {
            for (Map<String, String> written : List.of(DebeziumRun.workerProperties(ENV, config, scratch),
                    DebeziumRun.connectorProperties(ENV, DATABASE + "?sslmode=disable", config, TOPIC))) {
                Properties read = new Properties();
                read.load(new StringReader(DebeziumRun.properties(written)));
                assertEquals(written, read, config.key());
            }
        }
    }

    private static String connectionUrl(String databaseUrl, DebeziumRun.Config config) {
        return DebeziumRun.connectorProperties(ENV, databaseUrl, config, TOPIC).get("connection.url");
    }
}

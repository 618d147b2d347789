package dev.kyoyu.sink.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.schemas.db.Migrations;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.EventCopyWriter;
import dev.kyoyu.sink.copy.PositionedEvent;
import dev.kyoyu.sink.offsets.OffsetStore;
import dev.kyoyu.testsupport.TestStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The migrations run forward over a database that already holds data: a database made by the changesets up to
 * 009 (before the halfvec embeddings, the event key with agent_id, grant expiry and the identity tables) is filled
 * with rows over several chunks, then brought to the current schema; every row is still there, the embeddings
 * kept their values at half precision, and the sink's real write path works on the result.
 */
class ForwardMigrationIT {
    /** Changesets 001 … 009 in the changelog's order (005 counts although the Apache edition skips it). */
    private static final int UP_TO_009 = 14;
    private static final String LAST_EARLY = "009-decision-embedding-inline";
    private static final int EVENTS = 240;
    private static final int DECISIONS = 12;

    private String name;
    private String url;

    @BeforeEach
    void createEmptyDatabase() throws SQLException {
        name = "kyoyu_fwd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        admin("CREATE DATABASE " + name);
        url = TestStack.adminPgUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    @Test
    @DisplayName("rows written under changeset 009 survive 010-013 intact, and the migrated schema takes new writes")
    void migratesForwardOverData() throws Exception {
        Migrations.applyFirst(url, TestStack.pgUser(), TestStack.pgPassword(), UP_TO_009);
        assertEquals(LAST_EARLY, text("SELECT id FROM databasechangelog ORDER BY orderexecuted DESC LIMIT 1"),
                "the database stands at the earlier release");
        assertEquals("vector", text("SELECT udt_name FROM information_schema.columns WHERE table_name = 'decisions' AND column_name = 'embedding'"));

        fillAtTheEarlierRelease();
        String eventsBefore = text(EVENTS_DIGEST);
        String decisionsBefore = text(DECISIONS_DIGEST);
        long chunksBefore = number("SELECT count(*) FROM show_chunks('agent_events')");
        assertTrue(chunksBefore >= 5, "the events span several chunks: " + chunksBefore);

        Migrations.apply(url, TestStack.pgUser(), TestStack.pgPassword());

        assertEquals("013-identities", text("SELECT id FROM databasechangelog ORDER BY orderexecuted DESC LIMIT 1"));
        assertEquals(EVENTS, number("SELECT count(*) FROM agent_events"));
        assertEquals(eventsBefore, text(EVENTS_DIGEST), "every event row is unchanged");
        assertEquals(chunksBefore, number("SELECT count(*) FROM show_chunks('agent_events')"), "no chunk lost or split");
        assertEquals(decisionsBefore, text(DECISIONS_DIGEST), "every decision row is unchanged apart from its vector's type");
        assertEquals("halfvec", text("SELECT udt_name FROM information_schema.columns WHERE table_name = 'decisions' AND column_name = 'embedding'"));
        double worst = Double.parseDouble(text("""
                SELECT max(abs(a - b)) FROM decisions d JOIN fwd_original_vectors o ON o.id = d.id,
                     LATERAL unnest(d.embedding::vector::real[], o.embedding) AS pair(a, b)"""));
        assertTrue(worst < 1e-3, "embeddings kept their values at half precision; worst difference " + worst);
        assertEquals(1, number("SELECT count(*) FROM access_grants WHERE expires_at IS NULL AND granted_by IS NULL"),
                "the grant made before 012 stays a grant until withdrawn");
        assertEquals(1, number("SELECT count(*) FROM sink_offsets"));

        // The new schema at work: the key with agent_id lets another agent use the same event id and time.
        execute("""
                INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)
                SELECT id, run_id, 'another-agent', event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset
                FROM agent_events WHERE agent_id = 'fwd-agent' ORDER BY kafka_offset LIMIT 1""");
        execute("INSERT INTO agents (agent_id, role, revoked, created_at) VALUES ('fwd-agent', 'agent', false, now())");
        assertEquals(1, number("SELECT count(*) FROM agents"));
        writeThroughTheSink();
        assertEquals(EVENTS + 1 + 5, number("SELECT count(*) FROM agent_events"));
        assertEquals(EVENTS + 5, number("SELECT next_offset FROM sink_offsets WHERE topic = 'fwd-events'"),
                "the sink continued from the offset stored before the migration");
    }

    private static final String EVENTS_DIGEST = """
            SELECT md5(string_agg(id::text || run_id || agent_id || event_type || occurred_at || received_at || payload::text
                                  || kafka_partition || ':' || kafka_offset, ',' ORDER BY id, occurred_at))
            FROM agent_events""";
    private static final String DECISIONS_DIGEST = """
            SELECT md5(string_agg(id::text || agent_id || decision_type || outcome || coalesce(confidence::text, '')
                                  || coalesce(reasoning, '') || valid_from || transaction_time, ',' ORDER BY id))
            FROM decisions""";

    /** What the earlier release would hold: a run, its events over ten days, decisions with vectors, a grant, offsets. */
    private void fillAtTheEarlierRelease() throws SQLException {
        UUID run = UUID.randomUUID();
        execute("INSERT INTO agent_runs (id, agent_id, status, started_at) VALUES ('" + run + "', 'fwd-agent', 'running', now() - interval '10 days')");
        execute("""
                INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)
                SELECT gen_random_uuid(), '%s', 'fwd-agent', 'ToolCalled', now() - (i * interval '1 hour'), now() - (i * interval '1 hour'),
                       jsonb_build_object('n', i), 0, i
                FROM generate_series(0, %d) i""".formatted(run, EVENTS - 1));
        execute("CREATE TABLE fwd_original_vectors (id uuid PRIMARY KEY, embedding real[])");
        execute("""
                INSERT INTO fwd_original_vectors
                SELECT gen_random_uuid(), array_agg(((d * 7 + k) %% 100) / 100.0 - 0.5 ORDER BY k)::real[]
                FROM generate_series(1, %d) d, generate_series(1, 384) k GROUP BY d""".formatted(DECISIONS));
        execute("""
                INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, confidence, reasoning, valid_from, embedding, source_event_id)
                SELECT id, '%s', 'fwd-agent', 'loan_approval', 'approve', 0.8, 'because', now() - interval '2 days',
                       embedding::vector(384), gen_random_uuid()
                FROM fwd_original_vectors""".formatted(run));
        execute("INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('fwd-reader', 'fwd-agent')");
        execute("INSERT INTO sink_offsets (topic, kafka_partition, next_offset) VALUES ('fwd-events', 0, " + EVENTS + ")");
    }

    /** Five events through the sink's own COPY path, continuing the offsets stored before the migration. */
    private void writeThroughTheSink() throws SQLException {
        SinkConfig config = SinkConfig.fromEnv(Map.of("KYOYU_KAFKA_BOOTSTRAP", "unused:1", "KYOYU_PG_URL", url,
                "KYOYU_PG_USER", TestStack.pgUser(), "KYOYU_PG_PASSWORD", TestStack.pgPassword()));
        try (HikariDataSource pool = SinkApp.pool(config, "fwd-migration-it", 2)) {
            TopicPartition partition = new TopicPartition("fwd-events", 0);
            List<PositionedEvent> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Instant now = Instant.now();
                events.add(new PositionedEvent(new AgentEvent(EventIds.newId(), EventIds.newId(), "fwd-agent", "Step", now, now,
                        EventJson.MAPPER.createObjectNode()), 0, EVENTS + i));
            }
            BatchWriter writer = new BatchWriter(pool, Duration.ofHours(1));
            assertEquals(5, writer.write(new BatchWriter.Batch(events, EventCopyWriter.format(events),
                    Map.of(partition, new OffsetStore.Advance((long) EVENTS, EVENTS + 5)))));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestStack.pgUser(), TestStack.pgPassword());
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String text(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestStack.adminPgUrl(), TestStack.pgUser(), TestStack.pgPassword());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

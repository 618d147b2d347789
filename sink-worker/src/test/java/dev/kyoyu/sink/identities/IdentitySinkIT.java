package dev.kyoyu.sink.identities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.GrantRecord;
import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.schemas.identity.RoleRecord;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The identity topic materialized into PostgreSQL by the sink, against the real broker and database. */
class IdentitySinkIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");
    private static final String SHA = "ab".repeat(32);
    private TestDatabase db;
    private String identities;
    private String dlq;
    private String events;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        identities = TestTopics.create("identities", 1);
        dlq = TestTopics.create("identities-dlq", 1);
        events = TestTopics.create("identities-events", 1);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SinkApp startSink() {
        return SinkApp.start(SinkConfig.fromEnv(ServiceEnv.withIdentities(ServiceEnv.of(db, events, dlq), identities)));
    }

    private void publish(IdentityRecord... records) {
        for (IdentityRecord record : records) {
            TestTopics.send(identities, record.topicKey(), IdentityJson.toBytes(record));
        }
    }

    private long count(String sql, Object... params) {
        return db.queryLong(sql, params);
    }

    private long stored() {
        return count("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?", identities);
    }

    /** Every row of the four tables, as text, in a fixed order. */
    private String snapshot() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            for (String table : List.of("agents", "api_keys", "role_token_floors", "access_grants")) {
                try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
                    while (rows.next()) {
                        all.append(table).append(' ').append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }

    @Test
    @DisplayName("agents, keys, role floors and grants become rows, the latest state per key; a replay from the start gives the same rows")
    void materializesTheLatestStateAndAReplayChangesNothing() throws Exception {
        AgentRecord created = new AgentRecord("id-agent", Role.AGENT, false, T, null, T, "admin");
        AgentRecord demoted = new AgentRecord("id-agent", Role.READER, false, T, T.plusSeconds(60), T.plusSeconds(60), "admin");
        ApiKeyRecord key = new ApiKeyRecord("0123456789abcdef", "id-agent", SHA, T, null, null);
        ApiKeyRecord rotated = new ApiKeyRecord("0123456789abcdef", "id-agent", SHA, T, T.plusSeconds(3600), null);
        RoleRecord floor = new RoleRecord(Role.READER, T.plusSeconds(30), T.plusSeconds(30), "admin");
        GrantRecord grant = new GrantRecord("id-agent", "id-owner", T, T.plusSeconds(7200), null, "admin");
        GrantRecord open = new GrantRecord("id-other", "id-owner", T, null, null, "admin");
        try (SinkApp sink = startSink()) {
            publish(created, key, floor, grant, open, demoted, rotated);
            Await.until(WAIT, "seven identity records stored", () -> stored() == 7);
        }
        assertEquals(1, count("SELECT count(*) FROM agents WHERE agent_id = 'id-agent' AND role = 'reader' AND NOT revoked"
                + " AND created_at = ? AND tokens_not_before = ? AND updated_by = 'admin'", Timestamp.from(T), Timestamp.from(T.plusSeconds(60))));
        assertEquals(1, count("SELECT count(*) FROM api_keys WHERE key_id = '0123456789abcdef' AND agent_id = 'id-agent'"
                + " AND sha256 = ? AND expires_at = ? AND revoked_at IS NULL", SHA, Timestamp.from(T.plusSeconds(3600))));
        assertEquals(1, count("SELECT count(*) FROM role_token_floors WHERE role = 'reader' AND tokens_not_before = ?",
                Timestamp.from(T.plusSeconds(30))));
        assertEquals(1, count("SELECT count(*) FROM access_grants WHERE grantee_agent_id = 'id-agent' AND owner_agent_id = 'id-owner'"
                + " AND granted_at = ? AND expires_at = ? AND granted_by = 'admin'", Timestamp.from(T), Timestamp.from(T.plusSeconds(7200))));
        assertEquals(1, count("SELECT count(*) FROM access_grants WHERE grantee_agent_id = 'id-other' AND expires_at IS NULL"));
        String before = snapshot();

        // Forget where the sink was: it reads the whole topic again and must end with the same rows.
        count("WITH gone AS (DELETE FROM sink_offsets WHERE topic = ? RETURNING 1) SELECT count(*) FROM gone", identities);
        try (SinkApp sink = startSink()) {
            Await.until(WAIT, "the topic read again from the start", () -> stored() == 7);
        }
        assertEquals(before, snapshot());
    }

    @Test
    @DisplayName("a withdrawn grant deletes its row; granting again brings it back")
    void aWithdrawnGrantRemovesTheRow() throws Exception {
        GrantRecord grant = new GrantRecord("id-grantee", "id-owner", T, null, null, "admin");
        GrantRecord withdrawn = new GrantRecord("id-grantee", "id-owner", T, null, T.plusSeconds(10), "admin");
        GrantRecord again = new GrantRecord("id-grantee", "id-owner", T.plusSeconds(20), T.plusSeconds(999), null, "admin");
        String row = "SELECT count(*) FROM access_grants WHERE grantee_agent_id = 'id-grantee' AND owner_agent_id = 'id-owner'";
        try (SinkApp sink = startSink()) {
            publish(grant);
            Await.until(WAIT, "the grant stored", () -> count(row) == 1);
            publish(withdrawn);
            Await.until(WAIT, "the withdrawal read", () -> stored() == 2);
            assertEquals(0, count(row), "a withdrawn grant has no row");
            publish(again);
            Await.until(WAIT, "the grant given again", () -> stored() == 3);
        }
        assertEquals(1, count(row + " AND expires_at = ?", Timestamp.from(T.plusSeconds(999))));
    }

    @Test
    @DisplayName("a record that is not an identity, or that PostgreSQL refuses, is dead-lettered and the rest is stored")
    void deadLettersWhatCannotBeStored() throws Exception {
        AgentRecord good = new AgentRecord("id-good", Role.AGENT, false, T, null, T, "admin");
        GrantRecord toItself = new GrantRecord("id-self", "id-self", T, null, null, "admin");
        try (SinkApp sink = startSink()) {
            TestTopics.send(identities, "agent/x", "{\"type\":\"agent\",\"agent_id\":".getBytes(StandardCharsets.UTF_8));
            publish(toItself, good);
            Await.until(WAIT, "every record read", () -> stored() == 3);
        }
        assertEquals(1, count("SELECT count(*) FROM agents WHERE agent_id = 'id-good'"));
        assertEquals(0, count("SELECT count(*) FROM access_grants"));
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 2, Duration.ofSeconds(10));
        assertEquals(2, dead.size());
        dead.forEach(r -> assertEquals(identities,
                new String(r.headers().lastHeader(DeadLetterPublisher.SOURCE_TOPIC).value(), StandardCharsets.UTF_8)));
    }
}

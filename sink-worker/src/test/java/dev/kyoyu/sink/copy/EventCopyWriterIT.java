package dev.kyoyu.sink.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Binary COPY stores exactly what PostgreSQL's own text input makes of the same event: a replay or a
 * deduplicating write finds the row again only if its (id, occurred_at) comes out the same.
 */
class EventCopyWriterIT {
    private TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void everyColumnIsStoredAsItsTextFormWouldBe() throws Exception {
        // Sub-microsecond digits that round down, up and on exact halves, before and after PostgreSQL's epoch.
        long[] seconds = {1_795_000_000L, 946_684_800L, 946_684_799L, -1_000_000_000L};
        int[] nanos = {0, 1, 499, 500, 501, 999, 1_500, 2_500, 764_136_500, 764_136_501, 123_456_789, 999_999_500, 999_999_999};
        List<PositionedEvent> events = new ArrayList<>();
        ObjectNode payload = EventJson.MAPPER.createObjectNode()
                .put("text", "tab\there, newline\nthere, back\\slash, \"quoted\", ünïcödé 決定")
                .put("n", 42);
        for (long second : seconds) {
            for (int nano : nanos) {
                Instant at = Instant.ofEpochSecond(second, nano);
                AgentEvent event = new AgentEvent(EventIds.newId(), EventIds.newId(), "agent\twith tab ü", "Tool.Called",
                        at, at.plusNanos(777), payload);
                boolean rawPayload = events.size() % 2 == 0;
                byte[] json = rawPayload ? payload.toString().getBytes(StandardCharsets.UTF_8) : null;
                events.add(new PositionedEvent(event, 3, 1_000_000_000_000L + events.size(), null, json));
            }
        }

        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            EventCopyWriter.copy(connection, EventCopyWriter.format(events));
            connection.commit();
            try (PreparedStatement stored = connection.prepareStatement("""
                    SELECT run_id = ?::uuid, agent_id = ?, event_type = ?, occurred_at = ?::timestamptz,
                           received_at = ?::timestamptz, payload = ?::jsonb, kafka_partition, kafka_offset
                    FROM agent_events WHERE id = ?""")) {
                for (PositionedEvent positioned : events) {
                    AgentEvent e = positioned.event();
                    stored.setString(1, e.runId().toString());
                    stored.setString(2, e.agentId());
                    stored.setString(3, e.eventType());
                    stored.setString(4, e.occurredAt().toString());
                    stored.setString(5, e.receivedAt().toString());
                    stored.setString(6, payload.toString());
                    stored.setObject(7, e.id(), java.sql.Types.OTHER);
                    try (ResultSet row = stored.executeQuery()) {
                        row.next();
                        String what = "event at " + e.occurredAt();
                        for (int column = 1; column <= 6; column++) {
                            assertEquals(true, row.getBoolean(column), what + ": column " + column);
                        }
                        assertEquals(3, row.getInt(7), what);
                        assertEquals(positioned.offset(), row.getLong(8), what);
                    }
                }
            }
        }
        assertEquals(events.size(), db.queryLong("SELECT count(*) FROM agent_events"));
    }

    @Test
    void theDeduplicatingPathSkipsRowsAlreadyStored() throws Exception {
        Instant at = Instant.ofEpochSecond(1_795_000_000L, 123_456_789);
        List<PositionedEvent> first = List.of(event(UUID.randomUUID(), at, 0), event(UUID.randomUUID(), at, 1));
        List<PositionedEvent> again = List.of(first.get(1), event(UUID.randomUUID(), at, 2));
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            EventCopyWriter.copy(connection, EventCopyWriter.format(first));
            assertEquals(1, EventCopyWriter.copyDeduplicating(connection, again));
            connection.commit();
        }
        assertEquals(3, db.queryLong("SELECT count(*) FROM agent_events"));
    }

    private static PositionedEvent event(UUID id, Instant at, long offset) {
        return new PositionedEvent(new AgentEvent(id, EventIds.newId(), "a", "Step", at, at,
                EventJson.MAPPER.createObjectNode()), 0, offset);
    }
}

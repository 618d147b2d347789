package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes events into {@code agent_events} with COPY (text format). The fast path copies straight into
 * the hypertable; {@link #copyDeduplicating} stages the rows and skips ids already stored, for batches
 * that carry a retried event a second time.
 */
public final class EventCopyWriter {
    private static final String COLUMNS =
            "(id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)";

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);

    /** COPY straight into the hypertable; fails with unique_violation if a row already exists. */
    public void copy(Connection connection, List<PositionedEvent> events) throws SQLException {
        copyInto(connection, "agent_events", events);
    }

    /** COPY into a session-local stage, then insert what is not stored yet. Returns the rows inserted. */
    public int copyDeduplicating(Connection connection, List<PositionedEvent> events) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE IF NOT EXISTS agent_events_stage "
                    + "(LIKE agent_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            copyInto(connection, "agent_events_stage", events);
            return statement.executeUpdate("INSERT INTO agent_events SELECT * FROM agent_events_stage ON CONFLICT DO NOTHING");
        }
    }

    private void copyInto(Connection connection, String table, List<PositionedEvent> events) throws SQLException {
        buffer.reset();
        for (PositionedEvent positioned : events) {
            appendRow(positioned);
        }
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        try {
            copy.copyIn("COPY " + table + " " + COLUMNS + " FROM STDIN", new ByteArrayInputStream(buffer.toByteArray()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed while streaming rows", "08006", e);
        }
    }

    private void appendRow(PositionedEvent positioned) {
        AgentEvent e = positioned.event();
        field(e.id().toString());
        tab();
        field(e.runId().toString());
        tab();
        escaped(e.agentId());
        tab();
        escaped(e.eventType());
        tab();
        field(e.occurredAt().toString());
        tab();
        field(e.receivedAt().toString());
        tab();
        escaped(EventJson.MAPPER.valueToTree(e.payload()).toString());
        tab();
        field(Integer.toString(positioned.partition()));
        tab();
        field(Long.toString(positioned.offset()));
        buffer.write('\n');
    }

    private void tab() {
        buffer.write('\t');
    }

    private void field(String value) {
        buffer.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
    }

    /** COPY text format: backslash, tab, newline and carriage return must be escaped. */
    private void escaped(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        buffer.writeBytes((out == null ? value : out.toString()).getBytes(StandardCharsets.UTF_8));
    }
}

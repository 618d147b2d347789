package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Writes events into {@code agent_events} with COPY (text format). Rows are formatted as events are
 * decoded ({@link #formatRow}), off the write path; the fast path copies them straight into the
 * hypertable, and {@link #copyDeduplicating} stages them and skips rows already stored, for the
 * batch that carries a retried event a second time.
 */
public final class EventCopyWriter {
    public static final String COLUMNS =
            "(id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)";

    private EventCopyWriter() {
    }

    /** COPY pre-formatted rows straight into the hypertable; fails with unique_violation if a row already exists. */
    public static void copy(Connection connection, byte[] rows) throws SQLException {
        copyInto(connection, "agent_events", rows);
    }

    /** COPY into a session-local stage, then insert what is not stored yet. Returns the rows inserted. */
    public static int copyDeduplicating(Connection connection, List<PositionedEvent> events) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE IF NOT EXISTS agent_events_stage "
                    + "(LIKE agent_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            copyInto(connection, "agent_events_stage", format(events));
            return statement.executeUpdate("INSERT INTO agent_events SELECT * FROM agent_events_stage ON CONFLICT DO NOTHING");
        }
    }

    public static byte[] format(List<PositionedEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 700);
        events.forEach(event -> formatRow(event, out));
        return out.toByteArray();
    }

    private static void copyInto(Connection connection, String table, byte[] rows) throws SQLException {
        CopyManager manager = connection.unwrap(PGConnection.class).getCopyAPI();
        CopyIn copy = manager.copyIn("COPY " + table + " " + COLUMNS + " FROM STDIN");
        try {
            copy.writeToCopy(rows, 0, rows.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** One row in COPY text format: tab-separated columns in {@link #COLUMNS} order, newline-terminated. */
    public static void formatRow(PositionedEvent positioned, ByteArrayOutputStream out) {
        AgentEvent e = positioned.event();
        ascii(out, e.id().toString());
        out.write('\t');
        ascii(out, e.runId().toString());
        out.write('\t');
        escaped(out, e.agentId());
        out.write('\t');
        escaped(out, e.eventType());
        out.write('\t');
        ascii(out, e.occurredAt().toString());
        out.write('\t');
        ascii(out, e.receivedAt().toString());
        out.write('\t');
        if (positioned.payloadJson() != null) {
            escaped(out, positioned.payloadJson());
        } else {
            escaped(out, e.payload().toString());
        }
        out.write('\t');
        ascii(out, Integer.toString(positioned.partition()));
        out.write('\t');
        ascii(out, Long.toString(positioned.offset()));
        out.write('\n');
    }

    private static void ascii(ByteArrayOutputStream out, String value) {
        out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
    }

    /** The same escaping over UTF-8 bytes: those four are ASCII, so multi-byte characters pass through. */
    private static void escaped(ByteArrayOutputStream out, byte[] value) {
        int from = 0;
        for (int i = 0; i < value.length; i++) {
            byte b = value[i];
            byte escape = switch (b) {
                case '\\' -> (byte) '\\';
                case '\t' -> (byte) 't';
                case '\n' -> (byte) 'n';
                case '\r' -> (byte) 'r';
                default -> 0;
            };
            if (escape != 0) {
                out.write(value, from, i - from);
                out.write('\\');
                out.write(escape);
                from = i + 1;
            }
        }
        out.write(value, from, value.length - from);
    }

    /** COPY text format: backslash, tab, newline and carriage return must be escaped. */
    private static void escaped(ByteArrayOutputStream out, String value) {
        StringBuilder escaped = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        out.writeBytes((escaped == null ? value : escaped.toString()).getBytes(StandardCharsets.UTF_8));
    }
}

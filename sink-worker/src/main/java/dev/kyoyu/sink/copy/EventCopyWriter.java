package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes events into {@code agent_events} with binary COPY. Binary because it measured faster on both
 * sides (docs/benchmarks, raw COPY of the same rows in both formats): PostgreSQL skips parsing uuids and
 * timestamps, and the sink skips escaping payloads and printing timestamps.
 *
 * <p>Rows are formatted as events are decoded ({@link #formatRow}), off the write path; the fast path
 * copies them straight into the hypertable, and {@link #copyDeduplicating} stages them and skips rows
 * already stored, for the batch that carries a retried event a second time.
 */
public final class EventCopyWriter {
    public static final String COLUMNS =
            "(id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)";
    private static final short COLUMN_COUNT = 9;

    /** The binary COPY signature, then no flags and no header extension. */
    public static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** A field count of -1 ends the stream. */
    public static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

    /** PostgreSQL counts timestamps in microseconds from 2000-01-01 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    /** jsonb's binary input: a version byte, then the JSON text. */
    private static final byte JSONB_VERSION = 1;

    private EventCopyWriter() {
    }

    /** The statement that reads rows in this format into {@code table}. */
    private static String copyStatement(String table) {
        return "COPY " + table + " " + COLUMNS + " FROM STDIN (FORMAT binary)";
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

    /** The rows of {@code events}, without the stream's header and trailer (added by the copy). */
    public static byte[] format(List<PositionedEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 700);
        events.forEach(event -> formatRow(event, out));
        return out.toByteArray();
    }

    private static void copyInto(Connection connection, String table, byte[] rows) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copyStatement(table));
        try {
            copy.writeToCopy(HEADER, 0, HEADER.length);
            copy.writeToCopy(rows, 0, rows.length);
            copy.writeToCopy(TRAILER, 0, TRAILER.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** One binary COPY tuple: the field count, then each column of {@link #COLUMNS} as its length and bytes. */
    public static void formatRow(PositionedEvent positioned, ByteArrayOutputStream out) {
        AgentEvent e = positioned.event();
        byte[] agentId = e.agentId().getBytes(StandardCharsets.UTF_8);
        byte[] eventType = e.eventType().getBytes(StandardCharsets.UTF_8);
        byte[] payload = positioned.payloadJson() != null
                ? positioned.payloadJson() : e.payload().toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer row = ByteBuffer.allocate(2 + 9 * 4 + 2 * 16 + agentId.length + eventType.length + 2 * 8
                + 1 + payload.length + 4 + 8);
        row.putShort(COLUMN_COUNT);
        uuid(row, e.id());
        uuid(row, e.runId());
        row.putInt(agentId.length).put(agentId);
        row.putInt(eventType.length).put(eventType);
        row.putInt(8).putLong(postgresMicros(e.occurredAt()));
        row.putInt(8).putLong(postgresMicros(e.receivedAt()));
        row.putInt(1 + payload.length).put(JSONB_VERSION).put(payload);
        row.putInt(4).putInt(positioned.partition());
        row.putInt(8).putLong(positioned.offset());
        out.write(row.array(), 0, row.position());
    }

    /**
     * The instant as PostgreSQL stores it. Text input rounds sub-microsecond digits with
     * {@code rint(strtod(".fraction") * 1e6)}; nanos / 1e9 is that same double, so doing the same here keeps
     * an event's key (id, occurred_at) identical however it was written, and a replay still recognises it.
     */
    static long postgresMicros(Instant instant) {
        long micros = microsOfSecond(instant);
        // Exact: a time no timestamp column holds fails here, tied to its record, instead of wrapping around.
        return Math.addExact(Math.multiplyExact(Math.subtractExact(instant.getEpochSecond(), POSTGRES_EPOCH_SECONDS), 1_000_000L), micros);
    }

    /** The same instant as PostgreSQL stores it, for a writer that binds java.time values (the bench's peer). */
    public static Instant postgresRounded(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond()).plus(microsOfSecond(instant), ChronoUnit.MICROS);
    }

    private static long microsOfSecond(Instant instant) {
        int nanos = instant.getNano();
        return nanos % 1000 == 0 ? nanos / 1000 : (long) Math.rint(nanos / 1e9 * 1e6);
    }

    private static void uuid(ByteBuffer row, UUID uuid) {
        row.putInt(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    }
}

package dev.kyoyu.sink.copy;

import dev.kyoyu.sink.consume.FailureKind;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one micro-batch in one transaction: the events (COPY), the rows derived from them, and the
 * Kafka offsets that follow them. That single commit is what makes delivery exactly-once.
 */
public final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    /** PostgreSQL's unique_violation: the batch carries an event that is already stored. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final RepeatedEventFilter repeats;
    private final RunRowWriter runs = new RunRowWriter();
    private final DecisionRowWriter decisions = new DecisionRowWriter();
    private final OffsetStore offsets = new OffsetStore();

    /**
     * A micro-batch ready to write.
     *
     * @param rows    the events already formatted for COPY, in order ({@link EventCopyWriter#formatRow})
     * @param offsets where each partition moves when the batch commits
     * @param ticket  how this write shows itself to the batches after it
     * @param earlier the writes still in flight before this one: it commits only after them
     */
    public record Batch(List<PositionedEvent> events, byte[] rows, Map<TopicPartition, OffsetStore.Advance> offsets,
                        WriteTicket ticket, EarlierWrites earlier) {
        /** A batch with nothing written before it in flight. */
        public Batch(List<PositionedEvent> events, byte[] rows, Map<TopicPartition, OffsetStore.Advance> offsets) {
            this(events, rows, offsets, new WriteTicket(), EarlierWrites.NONE);
        }
    }

    /** The events a batch newly stored, and the ones its derived rows come from. */
    private record Copied(List<PositionedEvent> events, int stored) {
    }

    /**
     * Receives each record whose own write failed, with why. Dead-letters it durably before returning when the
     * failure is the record's own; rethrows (failing the whole batch) when it is not, e.g. the database went away.
     */
    @FunctionalInterface
    public interface RecordFailures<T> {
        void failed(T record, Exception reason) throws SQLException;
    }

    /** @param retryWindow how long after the first copy a client retry of the same event is still recognised */
    public BatchWriter(DataSource dataSource, Duration retryWindow) {
        this.dataSource = dataSource;
        this.repeats = new RepeatedEventFilter(retryWindow);
    }

    /**
     * Returns how many events were newly stored (fewer than given when some were already there). Throws
     * {@link OffsetStore.OffsetsMovedException} when another worker has written one of the partitions since.
     */
    public int write(Batch batch) throws SQLException {
        try {
            return write(batch, false);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // The batch carries an event already stored (a client retry): write it again, skipping what is there.
            return write(batch, true);
        }
    }

    private int write(Batch batch, boolean deduplicate) throws SQLException {
        try (Connection connection = transaction(batch.ticket())) {
            try {
                Copied copied = copyEvents(connection, batch.events(), batch.rows(), deduplicate);
                batch.earlier().await(connection);
                writeDerivedRows(connection, copied.events());
                offsets.advance(connection, batch.offsets());
                connection.commit();
                return copied.stored();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * For a batch that failed because of (at least) one of its records: writes each event on its own under a
     * savepoint, passes each one whose write fails to {@code failures}, and commits the rest together with the
     * offsets. Slow, and only used for the rare batch that needs it.
     */
    public int writeIsolating(Batch batch, RecordFailures<PositionedEvent> failures) throws SQLException {
        try (Connection connection = transaction(batch.ticket())) {
            try {
                batch.earlier().await(connection); // before taking any lock: nothing to give way with
                int stored = 0;
                for (PositionedEvent event : batch.events()) {
                    Savepoint beforeEvent = connection.setSavepoint();
                    try {
                        Copied copied = copyEvents(connection, List.of(event), EventCopyWriter.format(List.of(event)), true);
                        writeDerivedRows(connection, copied.events());
                        stored += copied.stored();
                        connection.releaseSavepoint(beforeEvent);
                    } catch (SQLException | RuntimeException e) {
                        connection.rollback(beforeEvent);
                        failures.failed(event, e);
                    }
                }
                offsets.advance(connection, batch.offsets());
                connection.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Re-sinks events that may already be stored (a replay): every row goes through the deduplicating
     * path and the live sink's offsets are left alone. Returns how many events were missing and are now stored.
     * An event that can never be stored (the live sink dead-lettered it) is skipped, the rest stored.
     */
    public int replay(List<PositionedEvent> batch) throws SQLException {
        try {
            return replayParts(List.of(batch));
        } catch (SQLException | RuntimeException e) {
            if (FailureKind.of(e) != FailureKind.POISON) {
                throw e;
            }
            return replayParts(batch.stream().map(List::of).toList());
        }
    }

    /** Each part under its own savepoint; with more than one part, a part that is poison is skipped. */
    private int replayParts(List<List<PositionedEvent>> parts) throws SQLException {
        try (Connection connection = transaction()) {
            try {
                int stored = 0;
                for (List<PositionedEvent> part : parts) {
                    Savepoint before = connection.setSavepoint();
                    try {
                        List<PositionedEvent> fresh = repeats.withoutRepeats(connection, part);
                        stored += fresh.isEmpty() ? 0 : EventCopyWriter.copyDeduplicating(connection, fresh);
                        runs.apply(connection, fresh);
                        decisions.write(connection, decisionRows(fresh));
                        connection.releaseSavepoint(before);
                    } catch (SQLException | RuntimeException e) {
                        if (parts.size() == 1 || FailureKind.of(e) != FailureKind.POISON) {
                            throw e;
                        }
                        connection.rollback(before);
                        LOG.warn("replay skips {}@{}: it cannot be stored ({})", part.getFirst().partition(), part.getFirst().offset(), e.toString());
                    }
                }
                connection.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return offsets.load(connection, partitions);
        }
    }

    private Connection transaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    /**
     * The backend is asked from inside the transaction, which also opens it: behind a transaction pooler
     * (PgBouncer) the connection's own backend pid (pgjdbc's getBackendPID) is the pooler's, and only the
     * transaction stays on one server backend.
     */
    private Connection transaction(WriteTicket ticket) throws SQLException {
        Connection connection = transaction();
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            ticket.connectedTo(row.getInt(1));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static List<DecisionRowWriter.Row> decisionRows(List<PositionedEvent> batch) {
        return batch.stream()
                .filter(p -> p.decision() != null)
                .map(p -> new DecisionRowWriter.Row(p.decision(), p.event().runId(), p.event().agentId(),
                        p.event().occurredAt(), p.event().id()))
                .toList();
    }

    /**
     * The events of the batch that are not stored yet, COPYed in.
     *
     * @param deduplicate stage the rows and skip those already stored, instead of COPYing straight in
     */
    private Copied copyEvents(Connection connection, List<PositionedEvent> received, byte[] receivedRows, boolean deduplicate)
            throws SQLException {
        List<PositionedEvent> batch = repeats.withoutRepeats(connection, received);
        byte[] rows = batch.size() == received.size() ? receivedRows : EventCopyWriter.format(batch);
        if (batch.stream().allMatch(p -> p.decision() == null)) {
            // Losing the last events to a database crash is safe: their offsets are lost with them and the
            // sink reads them again from Kafka. Batches with decisions commit durably:
            // a decision someone has already read must not vanish in a crash and reappear later.
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit = off");
            }
        }
        if (batch.isEmpty()) {
            return new Copied(batch, 0);
        }
        if (deduplicate) {
            return new Copied(batch, EventCopyWriter.copyDeduplicating(connection, batch));
        }
        EventCopyWriter.copy(connection, rows);
        return new Copied(batch, batch.size());
    }

    /** Run rows and decisions, from the events just copied. */
    private void writeDerivedRows(Connection connection, List<PositionedEvent> events) throws SQLException {
        if (!events.isEmpty()) {
            runs.apply(connection, events);
            decisions.write(connection, decisionRows(events));
        }
    }
}

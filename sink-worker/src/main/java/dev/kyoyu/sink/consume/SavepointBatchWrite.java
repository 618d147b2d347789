package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes a batch written with statements (not COPY) in one transaction with the offsets that follow it, the sink's
 * exactly-once discipline: the commit is the only record of progress, and offsets move only from the value this
 * worker last stored, so a worker that lost its partitions cannot move them back. These batches (identities,
 * decisions) commit durably (synchronous_commit on) whatever the server's default: losing one would be read as an
 * older state.
 */
public final class SavepointBatchWrite<T> {
    /** Writes the rows of some items on the transaction's connection. */
    @FunctionalInterface
    public interface Rows<T> {
        void write(Connection connection, List<T> items) throws SQLException;
    }

    private final DataSource dataSource;
    private final Rows<T> rows;
    private final OffsetStore offsets = new OffsetStore();

    public SavepointBatchWrite(DataSource dataSource, Rows<T> rows) {
        this.dataSource = dataSource;
        this.rows = rows;
    }

    /** Writes the whole batch; returns how many items it stored (all of them). */
    public int write(List<T> batch, Map<TopicPartition, OffsetStore.Advance> advances) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                rows.write(connection, batch);
                offsets.advance(connection, advances);
                connection.commit();
                return batch.size();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * For a batch that failed because of one of its records: each item on its own under a savepoint; each one
     * whose write fails goes to {@code failures} (which dead-letters it or rethrows), the rest commit with the offsets.
     */
    public int writeIsolating(List<T> batch, Map<TopicPartition, OffsetStore.Advance> advances,
                              BatchWriter.RecordFailures<T> failures) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                int stored = 0;
                for (T item : batch) {
                    Savepoint before = connection.setSavepoint();
                    try {
                        rows.write(connection, List.of(item));
                        connection.releaseSavepoint(before);
                        stored++;
                    } catch (SQLException | RuntimeException e) {
                        connection.rollback(before);
                        failures.failed(item, e);
                    }
                }
                offsets.advance(connection, advances);
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

    private static void durable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = on");
        }
    }
}

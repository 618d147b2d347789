package dev.kyoyu.sink.decisions;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.DecisionRowWriter;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes one batch of decisions and conflicts in one transaction together with the Kafka offsets that follow
 * them, as the events sink does: the commit is the only record of progress, and offsets move only from the value this
 * worker last stored, so a worker that lost its partitions cannot move them back.
 * Decisions are what agents and people query; they commit durably (synchronous_commit on), whatever the
 * server's default.
 */
final class StreamItemWriter {
    private final DataSource dataSource;
    private final DecisionRowWriter decisions = new DecisionRowWriter();
    private final ConflictRowWriter conflicts = new ConflictRowWriter();
    private final OffsetStore offsets = new OffsetStore();

    StreamItemWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void write(List<StreamItem> batch, Map<TopicPartition, OffsetStore.Advance> advances) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                writeRows(connection, batch);
                offsets.advance(connection, advances);
                connection.commit();
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
    int writeIsolating(List<StreamItem> batch, Map<TopicPartition, OffsetStore.Advance> advances,
                       BatchWriter.RecordFailures<StreamItem> failures) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                int stored = 0;
                for (StreamItem item : batch) {
                    Savepoint before = connection.setSavepoint();
                    try {
                        writeRows(connection, List.of(item));
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

    Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return offsets.load(connection, partitions);
        }
    }

    private static void durable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = on");
        }
    }

    private void writeRows(Connection connection, List<StreamItem> batch) throws SQLException {
        decisions.write(connection, batch.stream().map(StreamItem::decision).filter(Objects::nonNull).map(StreamItemWriter::row).toList());
        conflicts.write(connection, batch.stream().map(StreamItem::conflict).filter(Objects::nonNull).toList());
    }

    private static DecisionRowWriter.Row row(DecisionRecord d) {
        return new DecisionRowWriter.Row(d.asTraced(), d.runId(), d.agentId(), d.validFrom(), d.sourceEventId(), d.revises());
    }
}

package dev.kyoyu.sink.identities;

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
 * Writes a batch of identity records, in log order, in one transaction with the offsets that follow them (the
 * sink's exactly-once discipline: the commit is the only record of progress, offsets move only from the value this
 * worker last stored). Identities commit durably: a lost grant or revocation would be read as the older state.
 */
final class IdentityWriter {
    private final DataSource dataSource;
    private final IdentityRowWriter rows = new IdentityRowWriter();
    private final OffsetStore offsets = new OffsetStore();

    IdentityWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void write(List<IdentityItem> batch, Map<TopicPartition, OffsetStore.Advance> advances) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                for (IdentityItem item : batch) {
                    rows.write(connection, item.identity());
                }
                offsets.advance(connection, advances);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Each record under its own savepoint; one that fails goes to {@code failures}, the rest commit with the offsets. */
    int writeIsolating(List<IdentityItem> batch, Map<TopicPartition, OffsetStore.Advance> advances,
                       BatchWriter.RecordFailures<IdentityItem> failures) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                durable(connection);
                int stored = 0;
                for (IdentityItem item : batch) {
                    Savepoint before = connection.setSavepoint();
                    try {
                        rows.write(connection, item.identity());
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
}

package dev.kyoyu.query.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming replica: its pool, and a virtual thread that measures its lag every {@link #CHECK_INTERVAL}, so
 * routing reads a cached status instead of querying per request.
 */
final class Replica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
    /** How old a lag measurement may get; its age counts towards the lag bound (ReplicaStatus#staleness). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final int CHECK_TIMEOUT_SECONDS = 2;
    // Caught up: everything received is replayed while the WAL receiver runs. Without pg_read_all_stats the
    // receiver's status reads as NULL; then its row existing (the process runs) is what we can know.
    private static final String LAG = """
            SELECT pg_is_in_recovery(),
                   pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                       AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status IS NULL OR status = 'streaming'),
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8""";

    private final String name;
    private final HikariDataSource pool;
    private final Clock clock;
    private final Thread checker;
    private volatile ReplicaStatus status;
    private volatile boolean closed;

    Replica(String name, HikariDataSource pool, Clock clock) {
        this.name = name;
        this.pool = pool;
        this.clock = clock;
        this.status = ReplicaStatus.unchecked(clock.instant());
        this.checker = Thread.ofVirtual().name("lag-check-" + name).start(this::checkLoop);
    }

    String name() {
        return name;
    }

    HikariDataSource pool() {
        return pool;
    }

    ReplicaStatus status() {
        return status;
    }

    /** A read failed in a way that says the replica is gone; it serves nothing until a check succeeds again. */
    void markUnavailable(SQLException cause) {
        update(ReplicaStatus.unavailable("read failed: " + cause.getMessage(), clock.instant()));
    }

    private void checkLoop() {
        while (!closed) {
            update(check());
            try {
                Thread.sleep(CHECK_INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private ReplicaStatus check() {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(LAG)) {
            statement.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                double age = row.getDouble(3);
                return ReplicaStatus.measured(row.getBoolean(1), row.getBoolean(2), row.wasNull() ? null : age, clock.instant());
            }
        } catch (SQLException e) {
            return ReplicaStatus.unavailable("unreachable: " + e.getMessage(), clock.instant());
        }
    }

    /** Logs when the replica becomes reachable or unreachable, not on every check. */
    private void update(ReplicaStatus next) {
        ReplicaStatus previous = status;
        status = next;
        boolean changed = previous.unchecked() || (previous.problem() == null) != (next.problem() == null);
        if (closed || !changed) {
            return;
        }
        if (next.problem() == null) {
            LOG.info("replica {} is available, lag {} ms (it takes reads while that is within the bound)", name,
                    next.lag().toMillis());
        } else {
            LOG.warn("replica {} cannot take reads, the primary answers them: {}", name, next.problem());
        }
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
        try {
            checker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}

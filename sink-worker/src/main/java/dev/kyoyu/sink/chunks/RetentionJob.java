package dev.kyoyu.sink.chunks;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.db.DatabasePools;
import dev.kyoyu.service.db.DatabaseSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link RetentionSettings} from inside every sink worker. On the community edition TimescaleDB runs it:
 * the worker sets the retention (and compression) policies once at start, and is done. On the Apache edition there
 * are no background jobs, so the workers call {@code drop_chunks} every {@code interval}; one worker at a time, by a
 * transaction-scoped advisory lock (a session lock would outlive the transaction behind a transaction pooler and be
 * released by whichever client next gets the server connection).
 *
 * <p>Meter: {@code kyoyu_retention_chunks_dropped_total}, the chunks this worker dropped (Apache edition).
 */
public final class RetentionJob implements AutoCloseable {
    /** The advisory lock of chunk upkeep: one number for every worker of the database ("kyoyuret"). */
    static final long LOCK = 0x6b796f7975726574L;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    /** After a failure (the database is down), the next attempt comes this soon at the latest. */
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final RetentionSettings settings;
    private final HikariDataSource pool;
    private final Counter dropped;
    private final Thread thread;
    private volatile boolean closed;

    private RetentionJob(RetentionSettings settings, HikariDataSource pool, MeterRegistry registry) {
        this.settings = settings;
        this.pool = pool;
        this.dropped = Counter.builder("kyoyu.retention.chunks.dropped")
                .description("chunks this sink worker dropped because KYOYU_RETENTION no longer keeps them").register(registry);
        this.thread = Thread.ofVirtual().name("retention").start(this::loop);
    }

    /** Starts the job on a connection of its own, so it never waits behind the writes for one. */
    public static RetentionJob start(RetentionSettings settings, DatabaseSettings database, MeterRegistry registry) {
        return new RetentionJob(settings, DatabasePools.open(database, "sink-retention", 1), registry);
    }

    private void loop() {
        while (!closed) {
            Duration next = settings.interval();
            try (Connection connection = pool.getConnection()) {
                TimescaleEdition edition = TimescaleEdition.of(connection);
                if (edition.hasCompressionAndPolicies()) {
                    applyPolicies(connection, settings);
                    return;
                } else {
                    if (!settings.retains()) {
                        noteApacheCompression();
                        return;
                    }
                    dropExpired(connection, settings.retention());
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                LOG.warn("chunk retention could not run ({}); trying again", e.getMessage());
                next = settings.interval().compareTo(RETRY) < 0 ? settings.interval() : RETRY;
            }
            try {
                Thread.sleep(next);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void noteApacheCompression() {
        if (settings.compresses()) {
            LOG.warn("KYOYU_COMPRESS_AFTER={} has no effect: {}", settings.compressAfter(), TimescaleEdition.NO_COMPRESSION);
        }
    }

    /** Apache edition: drops what retention no longer keeps, unless another worker holds the lock right now. */
    int dropExpired(Connection connection, Duration retention) throws SQLException {
        noteApacheCompression();
        return inLockedTransaction(connection, () -> {
            try (Statement statement = connection.createStatement()) {
                // drop_chunks waits for an exclusive lock on each old chunk; never queue the sink's writes behind it.
                statement.execute("SET LOCAL lock_timeout = '5s'");
            }
            List<String> gone = Chunks.drop(connection, retention);
            if (!gone.isEmpty()) {
                dropped.increment(gone.size());
                LOG.info("retention {}: dropped {} chunks ({})", ChunksCli.age(retention), gone.size(), String.join(", ", gone));
            }
            return gone.size();
        }).orElse(0);
    }

    /**
     * Community edition: the retention policy follows KYOYU_RETENTION (removed when it is 0), the compression policy
     * KYOYU_COMPRESS_AFTER when set. Skipped when another worker is applying them right now (the same settings).
     */
    static void applyPolicies(Connection connection, RetentionSettings settings) throws SQLException {
        inLockedTransaction(connection, () -> {
            for (Chunks.Hypertable table : Chunks.hypertables(connection)) {
                call(connection, "SELECT remove_retention_policy(?::regclass, if_exists => true)", table.name(), null);
                if (settings.retains()) {
                    call(connection, "SELECT add_retention_policy(?::regclass, drop_after => ? * interval '1 second')",
                            table.name(), settings.retention());
                }
                if (settings.compresses() && table.compressionEnabled()) {
                    call(connection, "SELECT remove_compression_policy(?::regclass, if_exists => true)", table.name(), null);
                    call(connection, "SELECT add_compression_policy(?::regclass, compress_after => ? * interval '1 second')",
                            table.name(), settings.compressAfter());
                }
            }
            LOG.info("TimescaleDB policies set: retention {}, compression {}",
                    settings.retains() ? ChunksCli.age(settings.retention()) : "off",
                    settings.compresses() ? "after " + ChunksCli.age(settings.compressAfter()) : "as the migrations set it");
            return true;
        });
    }

    private static void call(Connection connection, String sql, String table, Duration age) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table);
            if (age != null) {
                statement.setLong(2, age.toSeconds());
            }
            statement.execute();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in a transaction holding {@link #LOCK}; empty (and nothing done) when another holds it. */
    private static <T> Optional<T> inLockedTransaction(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    if (!row.getBoolean(1)) {
                        connection.rollback();
                        return Optional.empty();
                    }
                }
            }
            T result = work.run();
            connection.commit();
            return Optional.of(result);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}

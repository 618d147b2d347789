package dev.kyoyu.service.db;

import dev.kyoyu.service.http.HealthChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The /health check of a service that cannot work without its PostgreSQL: ready while a connection answers. An
 * answer is reused for {@link #REUSE}, so a stream of unauthenticated /health requests costs the database little.
 */
public final class DatabaseHealth {
    static final Duration REUSE = Duration.ofSeconds(1);
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final DataSource pool;
    private HealthChecks.Result last;
    private long lastAtNanos;

    public DatabaseHealth(DataSource pool) {
        this.pool = pool;
    }

    public synchronized HealthChecks.Result check() {
        if (last != null && System.nanoTime() - lastAtNanos < REUSE.toNanos()) {
            return last;
        }
        last = probe();
        lastAtNanos = System.nanoTime();
        return last;
    }

    private HealthChecks.Result probe() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(VALID_TIMEOUT_SECONDS)
                    ? HealthChecks.Result.ready("ok") : HealthChecks.Result.notReady("not responding");
        } catch (SQLException e) {
            // The driver's message names the host and the reason, never the password.
            return HealthChecks.Result.notReady("unreachable: " + e.getMessage());
        }
    }
}

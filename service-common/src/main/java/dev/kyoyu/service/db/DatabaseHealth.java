package dev.kyoyu.service.db;

import dev.kyoyu.service.http.HealthChecks;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The /health check of a service that cannot work without its PostgreSQL: ready while a connection answers. */
public final class DatabaseHealth {
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private DatabaseHealth() {
    }

    public static HealthChecks.Result check(DataSource pool) {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(VALID_TIMEOUT_SECONDS)
                    ? HealthChecks.Result.ready("ok") : HealthChecks.Result.notReady("not responding");
        } catch (SQLException e) {
            // The driver's message names the host and the reason, never the password.
            return HealthChecks.Result.notReady("unreachable: " + e.getMessage());
        }
    }
}

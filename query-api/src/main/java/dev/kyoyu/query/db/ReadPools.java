package dev.kyoyu.query.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The connection pools query-api reads through. Today one read-only pool on the primary, named
 * {@code query-primary}; streaming replicas (KYOYU_QUERY_REPLICA_URLS, issue 5 item 4) become further pools
 * named {@code query-replica-N} behind {@link #reads()}, so every reader already asks this class, never a
 * pool directly. Each pool reports Hikari's metrics (hikaricp_connections_active{pool=…}, …) to the registry.
 */
public final class ReadPools implements AutoCloseable {
    public static final String PRIMARY = "query-primary";

    private final HikariDataSource primary;

    public ReadPools(String jdbcUrl, String user, String password, int size, MeterRegistry registry) {
        this.primary = pool(PRIMARY, jdbcUrl, user, password, size);
        primary.setMetricRegistry(registry);
    }

    private static HikariDataSource pool(String name, String jdbcUrl, String user, String password, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(size);
        hikari.setReadOnly(true);
        hikari.setConnectionTimeout(3000);
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }

    /** Where reads go. */
    public DataSource reads() {
        return primary;
    }

    /** True when the primary answers; /health reports it. */
    public boolean primaryHealthy() {
        try (Connection connection = primary.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        primary.close();
    }
}

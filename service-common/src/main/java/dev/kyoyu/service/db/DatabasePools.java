package dev.kyoyu.service.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.function.Consumer;

/** The one place a HikariCP pool is built from {@link DatabaseSettings}, so every service logs in the same way. */
public final class DatabasePools {
    /** How long a request waits for a connection: short, so a service's own backoff sets the pace while the database is down. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    private DatabasePools() {
    }

    /** A pool named {@code name} (also the session's application_name in pg_stat_activity) of at most {@code size}. */
    public static HikariDataSource open(DatabaseSettings settings, String name, int size) {
        return open(settings, name, size, hikari -> { });
    }

    /** As {@link #open(DatabaseSettings, String, int)}, with what only this pool needs set by {@code tuning}. */
    public static HikariDataSource open(DatabaseSettings settings, String name, int size, Consumer<HikariConfig> tuning) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(settings.url());
        hikari.setUsername(settings.user());
        settings.password().ifPresent(password -> hikari.setPassword(password.reveal()));
        hikari.setMaximumPoolSize(size);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // Start even while the database is down: /health says so, and the pool connects once it is back.
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("ApplicationName", name);
        tuning.accept(hikari);
        return new HikariDataSource(hikari);
    }
}

package dev.kyoyu.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.query.http.RunQueryRoutes;
import dev.kyoyu.query.runs.RunReader;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.HealthAndMetricsRoutes;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.service.telemetry.HttpSpans;
import dev.kyoyu.service.telemetry.Telemetry;
import io.helidon.webserver.WebServer;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Wires the query API; {@code main} and the tests start it through {@link #start}. */
public final class QueryApp implements AutoCloseable {
    private final WebServer server;
    private final HikariDataSource pool;

    private QueryApp(WebServer server, HikariDataSource pool) {
        this.server = server;
        this.pool = pool;
    }

    public static QueryApp start(QueryConfig config) {
        return start(config, Telemetry.fromEnvironment("query-api"));
    }

    public static QueryApp start(QueryConfig config, OpenTelemetry telemetry) {
        PrometheusMeterRegistry registry = Metrics.newRegistry("query-api");
        HikariDataSource pool = pool(config);
        pool.setMetricRegistry(registry);
        Authenticator authenticator = new Authenticator(new Tokens(config.jwtSecret(), Duration.ofHours(1), Clock.systemUTC()), registry);
        RunReader runs = new RunReader(pool, telemetry.getTracer("dev.kyoyu.query"));

        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .routing(routing -> {
                    HttpSpans.install(routing, telemetry, "dev.kyoyu.query", path -> "kyoyu.query");
                    ApiErrors.install(routing);
                    HealthAndMetricsRoutes.install(routing, registry, () -> databaseHealth(pool));
                    routing.register("/v1/runs", new RunQueryRoutes(authenticator, runs, config.maxEventsPerPage(), registry));
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        return new QueryApp(server, pool);
    }

    private static HealthAndMetricsRoutes.Health databaseHealth(HikariDataSource pool) {
        try (Connection connection = pool.getConnection()) {
            boolean valid = connection.isValid(2);
            return new HealthAndMetricsRoutes.Health(valid, Map.of("postgres", valid ? "ok" : "not responding"));
        } catch (SQLException e) {
            return new HealthAndMetricsRoutes.Health(false, Map.of("postgres", "unreachable: " + e.getMessage()));
        }
    }

    private static HikariDataSource pool(QueryConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("query-primary");
        hikari.setJdbcUrl(config.pgUrl());
        hikari.setUsername(config.pgUser());
        hikari.setPassword(config.pgPassword());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setReadOnly(true);
        hikari.setConnectionTimeout(3000);
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        pool.close();
    }
}

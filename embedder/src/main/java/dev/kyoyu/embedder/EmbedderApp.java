package dev.kyoyu.embedder;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.embedder.claim.EmbeddingWorker;
import dev.kyoyu.embedder.provider.EmbeddingProvider;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.HealthAndMetricsRoutes;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.metrics.Metrics;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the embedder: a pool, the provider, the worker loop, and /health + /metrics. Tests start it through {@link #start}. */
public final class EmbedderApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedderApp.class);

    private final WebServer server;
    private final HikariDataSource pool;
    private final EmbeddingProvider provider;
    private final EmbeddingWorker worker;

    private EmbedderApp(WebServer server, HikariDataSource pool, EmbeddingProvider provider, EmbeddingWorker worker) {
        this.server = server;
        this.pool = pool;
        this.provider = provider;
        this.worker = worker;
    }

    public static EmbedderApp start(EmbedderConfig config) {
        PrometheusMeterRegistry registry = Metrics.newRegistry("embedder");
        HikariDataSource pool = pool(config);
        pool.setMetricRegistry(registry);
        EmbeddingProvider provider = config.embedding().createProvider();
        LOG.info("embedding with {} (client vectors: {})", provider.model(), config.embedding().clientVectors());
        EmbeddingWorker worker = new EmbeddingWorker(pool, provider, config.embedding().clientVectors(), config.batchSize(),
                config.idleBackoffMin(), config.idleBackoffMax(), config.retryMaxBackoff(), config.embedding().timeout(), registry);
        WebServer server = HttpServers.healthServer(config.host(), config.port())
                .routing(routing -> {
                    ApiErrors.install(routing);
                    HealthAndMetricsRoutes.install(routing, registry, () -> health(pool, worker));
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        worker.start();
        return new EmbedderApp(server, pool, provider, worker);
    }

    private static HealthAndMetricsRoutes.Health health(HikariDataSource pool, EmbeddingWorker worker) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean healthy;
        try (Connection connection = pool.getConnection()) {
            healthy = connection.isValid(2);
            checks.put("postgres", healthy ? "ok" : "not responding");
        } catch (SQLException e) {
            healthy = false;
            checks.put("postgres", "unreachable: " + e.getMessage());
        }
        String problem = worker.fatalProblem();
        checks.put("provider", problem == null ? "ok" : "misconfigured: " + problem);
        return new HealthAndMetricsRoutes.Health(healthy && problem == null, checks);
    }

    private static HikariDataSource pool(EmbedderConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("embedder");
        hikari.setJdbcUrl(config.pgUrl());
        hikari.setUsername(config.pgUser());
        hikari.setPassword(config.pgPassword());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(3000);
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        worker.close();
        server.stop();
        pool.close();
        provider.close();
    }
}

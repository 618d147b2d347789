package dev.kyoyu.embedder;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.embedder.claim.EmbeddingWorker;
import dev.kyoyu.embedder.provider.EmbeddingProvider;
import dev.kyoyu.service.db.DatabasePools;
import dev.kyoyu.service.db.PoolMeters;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.db.DatabaseHealth;
import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.metrics.Metrics;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
        HikariDataSource pool = DatabasePools.open(config.database(), "embedder", config.poolSize());
        pool.setMetricRegistry(registry);
        PoolMeters.bind(pool, registry);
        EmbeddingProvider provider = config.embedding().createProvider();
        LOG.info("embedding with {} (client vectors: {})", provider.model(), config.embedding().clientVectors());
        EmbeddingWorker worker = new EmbeddingWorker(pool, provider, config.embedding().clientVectors(), config.batchSize(),
                config.idleBackoffMin(), config.idleBackoffMax(), config.retryMaxBackoff(), config.embedding().timeout(), registry);
        HealthChecks health = new HealthChecks()
                .add("postgres", new DatabaseHealth(pool)::check)
                .add("provider", () -> provider(worker));
        WebServer server = config.management().addTo(HttpServers.healthServer(config.host(), config.port()), config.host(),
                        registry, health)
                .routing(routing -> {
                    ApiErrors.install(routing);
                    config.management().install(routing, registry, health);
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        worker.start();
        return new EmbedderApp(server, pool, provider, worker);
    }

    private static HealthChecks.Result provider(EmbeddingWorker worker) {
        String problem = worker.fatalProblem();
        return problem == null ? HealthChecks.Result.ready("ok") : HealthChecks.Result.notReady("misconfigured: " + problem);
    }

    public int port() {
        return server.port();
    }

    /** The port /metrics answers on: the management port when one is configured. */
    public int metricsPort() {
        return ManagementPort.metricsPort(server);
    }

    @Override
    public void close() throws InterruptedException {
        worker.close();
        server.stop();
        pool.close();
        provider.close();
    }
}

package dev.kyoyu.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.HealthAndMetricsRoutes;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.service.retry.Backoff;
import dev.kyoyu.service.telemetry.Telemetry;
import dev.kyoyu.sink.consume.BatchTracing;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.sink.consume.ConsumeShell;
import dev.kyoyu.sink.consume.EventRecords;
import dev.kyoyu.sink.consume.WorkerHealth;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.decisions.StreamRecords;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Wires one sink worker: consumer, writer, dead letters, and its /health and /metrics endpoint. */
public final class SinkApp implements AutoCloseable {
    private final ConsumeShell<?> worker;
    private final Thread thread;
    private final WebServer server;
    private final HikariDataSource pool;
    private final DeadLetterPublisher deadLetters;
    private final KafkaClientMetrics consumerMetrics;
    /** Null unless KYOYU_SINK_DECISIONS=true. */
    private final ConsumeShell<?> decisionWorker;
    private final Thread decisionThread;

    private SinkApp(ConsumeShell<?> worker, Thread thread, WebServer server, HikariDataSource pool,
                    DeadLetterPublisher deadLetters, KafkaClientMetrics consumerMetrics,
                    ConsumeShell<?> decisionWorker, Thread decisionThread) {
        this.worker = worker;
        this.thread = thread;
        this.server = server;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.consumerMetrics = consumerMetrics;
        this.decisionWorker = decisionWorker;
        this.decisionThread = decisionThread;
    }

    public static SinkApp start(SinkConfig config) {
        return start(config, Telemetry.fromEnvironment("sink-worker"));
    }

    public static SinkApp start(SinkConfig config, OpenTelemetry telemetry) {
        PrometheusMeterRegistry registry = Metrics.newRegistry("sink-worker");
        // A connection per write in flight and one for reading offsets on assignment, for each consume loop.
        HikariDataSource pool = pool(config, "sink-primary", config.writesInFlight() + 1 + (config.sinkDecisions() ? 2 : 0));
        pool.setMetricRegistry(registry);
        KafkaConsumer<String, byte[]> consumer = consumer(config, config.consumerGroup(), "sink-");
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(config.kafkaBootstrap(), config.deadLetterTopic());
        ConsumeShell<?> worker = new ConsumeShell<>(config, new EventRecords(config, new BatchWriter(pool, config.clientRetryWindow()), registry),
                consumer, deadLetters, backoff(config), registry, new BatchTracing(telemetry));
        Thread thread = Thread.ofPlatform().name("sink-worker").start(worker);
        ConsumeShell<?> decisionWorker = null;
        Thread decisionThread = null;
        if (config.sinkDecisions()) {
            decisionWorker = new ConsumeShell<>(config, new StreamRecords(config, pool, registry),
                    consumer(config, config.decisionsConsumerGroup(), "sink-decisions-"), deadLetters, backoff(config), registry,
                    new BatchTracing(telemetry));
            decisionThread = Thread.ofPlatform().name("sink-decisions").start(decisionWorker);
        }
        ConsumeShell<?> decisions = decisionWorker;

        WebServer server = HttpServers.healthServer(config.host(), config.port())
                .routing(routing -> {
                    ApiErrors.install(routing);
                    HealthAndMetricsRoutes.install(routing, registry, () -> health(worker.health(), decisions));
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        return new SinkApp(worker, thread, server, pool, deadLetters, consumerMetrics, decisionWorker, decisionThread);
    }

    private static Backoff backoff(SinkConfig config) {
        return new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff(), ThreadLocalRandom.current());
    }

    private static HealthAndMetricsRoutes.Health health(WorkerHealth h, ConsumeShell<?> decisions) {
        Map<String, Object> details = details(h);
        boolean healthy = h.state() == WorkerHealth.State.HEALTHY;
        if (decisions != null) {
            // Waiting for the decision stream's topics is not a fault of this worker; failing to write is.
            details.put("decisions", details(decisions.health()));
            healthy &= decisions.health().state() != WorkerHealth.State.UNHEALTHY;
        }
        return new HealthAndMetricsRoutes.Health(healthy, details);
    }

    private static Map<String, Object> details(WorkerHealth h) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", h.state().name().toLowerCase());
        details.put("since", h.since().toString());
        if (h.reason() != null) {
            details.put("reason", h.reason());
        }
        return details;
    }

    /** The sink's connection pool; small, because one worker writes only a few batches at a time. */
    public static HikariDataSource pool(SinkConfig config, String name, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.pgUrl());
        hikari.setUsername(config.pgUser());
        hikari.setPassword(config.pgPassword());
        hikari.setMaximumPoolSize(size);
        // Fail fast while the database is down, so the worker's own backoff decides the pace.
        hikari.setConnectionTimeout(3000);
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(hikari);
    }

    /**
     * A sink consumer: no auto-commit (offsets live in PostgreSQL), cooperative rebalancing, read_committed
     * (the decision stream writes in transactions), and fetch sizes that bound memory whatever the backlog.
     */
    public static KafkaConsumer<String, byte[]> consumer(SinkConfig config, String group, String clientPrefix) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientPrefix + UUID.randomUUID().toString().substring(0, 8));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchMaxEvents());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.sessionTimeout().toMillis() / 3);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public int port() {
        return server.port();
    }

    /** SIGTERM path: write the open batch, commit, leave the group, then close the rest. */
    @Override
    public void close() throws InterruptedException {
        worker.stop();
        if (decisionWorker != null) {
            decisionWorker.stop();
            decisionThread.join(Duration.ofSeconds(60));
        }
        thread.join(Duration.ofSeconds(60));
        server.stop();
        consumerMetrics.close();
        deadLetters.close();
        pool.close();
    }
}

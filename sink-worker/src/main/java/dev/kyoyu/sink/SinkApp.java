package dev.kyoyu.sink;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.db.DatabaseHealth;
import dev.kyoyu.service.db.DatabasePools;
import dev.kyoyu.service.db.PoolMeters;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.service.kafka.BrokerHealth;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.service.retry.Backoff;
import dev.kyoyu.service.telemetry.Telemetry;
import dev.kyoyu.sink.chunks.RetentionJob;
import dev.kyoyu.sink.consume.BatchTracing;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.sink.consume.ConsumeShell;
import dev.kyoyu.sink.consume.EventRecords;
import dev.kyoyu.sink.consume.WorkerHealth;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.decisions.StreamRecords;
import dev.kyoyu.sink.identities.IdentityRecords;
import dev.kyoyu.sink.storage.StorageMetrics;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final HikariDataSource healthPool;
    private final BrokerHealth broker;
    private final DeadLetterPublisher deadLetters;
    private final KafkaClientMetrics consumerMetrics;
    /** The loops besides the events': decisions (KYOYU_SINK_DECISIONS=true), identities (KYOYU_SINK_IDENTITIES=true). */
    private final List<SideLoop> sideLoops;
    private final RetentionJob retention;
    private final StorageMetrics storage;

    /** A consume loop on its own thread, reported under {@code name} on /health. */
    private record SideLoop(String name, ConsumeShell<?> shell, Thread thread) {
    }

    private SinkApp(ConsumeShell<?> worker, Thread thread, WebServer server, HikariDataSource pool, HikariDataSource healthPool,
                    BrokerHealth broker, DeadLetterPublisher deadLetters, KafkaClientMetrics consumerMetrics, List<SideLoop> sideLoops,
                    RetentionJob retention, StorageMetrics storage) {
        this.worker = worker;
        this.thread = thread;
        this.server = server;
        this.pool = pool;
        this.healthPool = healthPool;
        this.broker = broker;
        this.deadLetters = deadLetters;
        this.consumerMetrics = consumerMetrics;
        this.sideLoops = sideLoops;
        this.retention = retention;
        this.storage = storage;
    }

    public static SinkApp start(SinkConfig config) {
        return start(config, Telemetry.fromEnvironment("sink-worker"));
    }

    public static SinkApp start(SinkConfig config, OpenTelemetry telemetry) {
        PrometheusMeterRegistry registry = Metrics.newRegistry("sink-worker");
        // A connection per write in flight and one for reading offsets on assignment, for each consume loop.
        HikariDataSource pool = pool(config, "sink-primary", config.writesInFlight() + 1
                + (config.sinkDecisions() ? 2 : 0) + (config.sinkIdentities() ? 2 : 0));
        pool.setMetricRegistry(registry);
        PoolMeters.bind(pool, registry);
        KafkaConsumer<String, byte[]> consumer = consumer(config, config.consumerGroup(), "sink-");
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(config.kafkaBootstrap(), config.deadLetterTopic());
        ConsumeShell<?> worker = new ConsumeShell<>(config, new EventRecords(config, new BatchWriter(pool, config.clientRetryWindow()), registry),
                consumer, deadLetters, backoff(config), registry, new BatchTracing(telemetry));
        Thread thread = Thread.ofPlatform().name("sink-worker").start(worker);
        List<SideLoop> sideLoops = new ArrayList<>();
        if (config.sinkDecisions()) {
            ConsumeShell<?> decisions = new ConsumeShell<>(config, new StreamRecords(config, pool, registry),
                    consumer(config, config.decisionsConsumerGroup(), "sink-decisions-"), deadLetters, backoff(config), registry,
                    new BatchTracing(telemetry));
            sideLoops.add(new SideLoop("decisions", decisions, Thread.ofPlatform().name("sink-decisions").start(decisions)));
        }
        if (config.sinkIdentities()) {
            ConsumeShell<?> identities = new ConsumeShell<>(config, new IdentityRecords(config, pool, registry),
                    consumer(config, config.identitiesConsumerGroup(), "sink-identities-"), deadLetters, backoff(config), registry,
                    new BatchTracing(telemetry));
            sideLoops.add(new SideLoop("identities", identities, Thread.ofPlatform().name("sink-identities").start(identities)));
        }

        // An idle worker writes nothing, so its loop cannot notice the database is gone: /health asks on a connection
        // of its own, never waiting behind the writes for one.
        HikariDataSource healthPool = pool(config, "sink-health", 1);
        PoolMeters.bind(healthPool, registry);
        // Its own connection, open only while it reads: the catalog reads never wait for, or hold up, a write.
        HikariDataSource storagePool = DatabasePools.open(config.database(), "sink-storage", 1, StorageMetrics::tune);
        storagePool.setMetricRegistry(registry);
        PoolMeters.bind(storagePool, registry);
        StorageMetrics storage = StorageMetrics.start(storagePool, registry, config.storageMetricsInterval());
        BrokerHealth broker = new BrokerHealth(config.kafkaBootstrap(), "sink-health", "nothing is consumed");
        HealthChecks health = new HealthChecks()
                .add("events", () -> loop(worker.health(), false))
                .add("kafka", broker::check)
                .add("postgres", new DatabaseHealth(healthPool)::check);
        for (SideLoop side : sideLoops) {
            // Waiting for topics another service creates is not a fault of this worker; failing to write is.
            health.add(side.name(), () -> loop(side.shell().health(), true));
        }
        WebServer server = config.management().addTo(HttpServers.healthServer(config.host(), config.port()), config.host(),
                        registry, health)
                .routing(routing -> {
                    ApiErrors.install(routing);
                    config.management().install(routing, registry, health);
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        RetentionJob retention = RetentionJob.start(config.retention(), config.database(), registry);
        return new SinkApp(worker, thread, server, pool, healthPool, broker, deadLetters, consumerMetrics, List.copyOf(sideLoops),
                retention, storage);
    }

    private static Backoff backoff(SinkConfig config) {
        return new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff(), ThreadLocalRandom.current());
    }

    /** A consume loop is ready once it has its partitions and while it writes; {@code startingIsReady} for the optional one. */
    private static HealthChecks.Result loop(WorkerHealth h, boolean startingIsReady) {
        boolean ready = h.state() == WorkerHealth.State.HEALTHY
                || startingIsReady && h.state() == WorkerHealth.State.STARTING;
        return new HealthChecks.Result(ready, details(h));
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
        return DatabasePools.open(config.database(), name, size,
                hikari -> hikari.addDataSourceProperty("reWriteBatchedInserts", "true"));
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

    /** The port /metrics answers on: the management port when one is configured. */
    public int metricsPort() {
        return ManagementPort.metricsPort(server);
    }

    /** SIGTERM path: write the open batch, commit, leave the group, then close the rest. */
    @Override
    public void close() throws InterruptedException {
        retention.close();
        worker.stop();
        for (SideLoop loop : sideLoops) {
            loop.shell().stop();
            loop.thread().join(Duration.ofSeconds(60));
        }
        thread.join(Duration.ofSeconds(60));
        server.stop();
        storage.close();
        consumerMetrics.close();
        deadLetters.close();
        pool.close();
        healthPool.close();
        broker.close();
    }
}

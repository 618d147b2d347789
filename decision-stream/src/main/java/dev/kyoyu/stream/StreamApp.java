package dev.kyoyu.stream;

import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.stream.errors.RejectingDeserializationHandler;
import dev.kyoyu.stream.errors.RejectingHandler;
import dev.kyoyu.stream.errors.RejectingProcessingHandler;
import dev.kyoyu.stream.errors.RejectingProductionHandler;
import dev.kyoyu.stream.topology.BoundedRocksDb;
import dev.kyoyu.stream.topology.DecisionTopology;
import dev.kyoyu.stream.topology.TopicSetup;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the decision stream: its topics, the Kafka Streams app, and /health and /metrics. */
public final class StreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final WebServer server;

    private StreamApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, WebServer server) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.server = server;
    }

    public static StreamApp start(StreamConfig config) {
        TopicSetup.ensure(config.kafkaBootstrap(), config.eventsTopic(),
                List.of(config.decisionsTopic(), config.conflictsTopic(), config.rejectedTopic()),
                config.topicPartitions(), config.topicReplication());
        PrometheusMeterRegistry registry = Metrics.newRegistry("decision-stream");
        StreamMetrics metrics = new StreamMetrics(registry);
        KafkaStreams streams = new KafkaStreams(DecisionTopology.build(config, metrics), properties(config, metrics));
        // A bad record is rejected by the exception handlers; what still gets here is not one record's fault (a store,
        // the broker, a bug in Kafka Streams): stop and say so on /health rather than loop on it.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("decision stream failed; stopping it (the process stays up and reports unhealthy)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        Gauge.builder("kyoyu.stream.running", streams, s -> processing(s.state()) ? 1 : 0)
                .description("1 while Kafka Streams is running or rebalancing, else 0").register(registry);
        streams.start();

        HealthChecks health = new HealthChecks().add("streams", () -> health(streams.state()));
        WebServer server = config.management().addTo(HttpServers.healthServer(config.host(), config.port()), config.host(),
                        registry, health)
                .routing(routing -> {
                    ApiErrors.install(routing);
                    config.management().install(routing, registry, health);
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        return new StreamApp(streams, streamsMetrics, server);
    }

    static Properties properties(StreamConfig config, StreamMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        // Stores, their changelogs, the consumed offsets and the published records commit in one Kafka transaction.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplication());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        // No global stores here; opting in now silences the 4.x warning and matches Kafka 5.0's default.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // A record that cannot be read, processed or published costs only itself: each handler reports it on the
        // rejected topic (KIP-1034's dead-letter topic setting names it), counts it, and the stream goes on.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingProductionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.rejectedTopic());
        props.put(RejectingHandler.METRICS_CONFIG, metrics);
        return props;
    }

    /** Healthy while processing; a rebalance is a normal pause, an error or a shutdown is not. */
    private static HealthChecks.Result health(KafkaStreams.State state) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name().toLowerCase());
        return new HealthChecks.Result(processing(state), details);
    }

    private static boolean processing(KafkaStreams.State state) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    public int port() {
        return server.port();
    }

    /** The port /metrics answers on: the management port when one is configured. */
    public int metricsPort() {
        return ManagementPort.metricsPort(server);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** SIGTERM path: commit what is processed, leave the group, close the stores. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        server.stop();
    }
}

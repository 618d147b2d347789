package dev.kyoyu.sink;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.db.DatabaseSettings;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.sink.chunks.RetentionSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The sink worker's settings, read once and validated together.
 *
 * @param batchMaxEvents flush when this many events are buffered
 * @param batchMaxAge    flush when the oldest buffered event has waited this long
 * @param batchCatchUpMaxEvents while another batch's worth of records already waits in Kafka, a batch takes up to
 *                       this many before it is flushed (the max age still holds): fewer, larger transactions
 *                       while draining a backlog, the small batches again once caught up; also the most one holds
 * @param writesInFlight batches written at once, each in its own transaction and connection (they still
 *                       commit in log order): 2 keeps PostgreSQL busy while the next batch is handed over
 * @param retryMaxBackoff the longest pause between attempts while PostgreSQL is unreachable
 * @param clientRetryWindow how long after an event was first stored a client retry of it (same
 *                          client id or Idempotency-Key) is still recognised and skipped
 * @param sessionTimeout how long the group waits for a silent worker (a SIGKILL, a frozen host) before its
 *                       partitions move to the others: Kafka's 45 s default is long for a sink that others
 *                       can take over at once; heartbeats go every third of it
 * @param sinkDecisions  whether this worker also stores what the decision stream publishes (decisions and
 *                       conflicts topics, consumer group {@code <consumerGroup>.decisions}); off unless asked for,
 *                       so a worker never reads topics it was not pointed at
 * @param sinkIdentities whether this worker also materializes the identity topic (agents, API keys, role token
 *                       floors, access grants) into PostgreSQL; off unless asked for, like {@code sinkDecisions}
 * @param identitiesConsumerGroup the consumer group of the identity topic, default {@code <consumerGroup>.identities}
 * @param retention      how long the hypertables keep their chunks, and how that is applied (sink/chunks/)
 * @param storageMetricsInterval how often the worker reads table sizes and chunk counts for /metrics (StorageMetrics)
 */
public record SinkConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String eventsTopic,
        String deadLetterTopic,
        String consumerGroup,
        DatabaseSettings database,
        int batchMaxEvents,
        Duration batchMaxAge,
        int batchCatchUpMaxEvents,
        int writesInFlight,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration clientRetryWindow,
        Duration sessionTimeout,
        boolean sinkDecisions,
        String decisionsTopic,
        String conflictsTopic,
        boolean sinkIdentities,
        String identitiesTopic,
        String identitiesConsumerGroup,
        ManagementPort management,
        RetentionSettings retention,
        Duration storageMetricsInterval) {

    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String consumerGroup = r.string("KYOYU_SINK_GROUP", "kyoyu-sink");
        int batchMaxEvents = r.integer("KYOYU_SINK_BATCH_MAX_EVENTS", 1000, 1, 100_000);
        Duration clientRetryWindow = r.duration("KYOYU_CLIENT_RETRY_WINDOW", Duration.ofHours(24));
        SinkConfig config = new SinkConfig(
                r.string("KYOYU_SINK_HOST", "127.0.0.1"),
                r.port("KYOYU_SINK_PORT", 8082),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_EVENTS_TOPIC", Topics.EVENTS),
                r.string("KYOYU_EVENTS_DLQ_TOPIC", Topics.EVENTS_DLQ),
                consumerGroup,
                DatabaseSettings.read(r),
                batchMaxEvents,
                r.duration("KYOYU_SINK_BATCH_MAX_AGE", Duration.ofMillis(100)),
                r.integer("KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS", Math.max(5000, batchMaxEvents), 1, 100_000),
                r.integer("KYOYU_SINK_WRITES_IN_FLIGHT", 2, 1, 8),
                r.duration("KYOYU_SINK_RETRY_INITIAL_BACKOFF", Duration.ofMillis(200)),
                r.duration("KYOYU_SINK_RETRY_MAX_BACKOFF", Duration.ofSeconds(15)),
                clientRetryWindow,
                sessionTimeout(r),
                r.bool("KYOYU_SINK_DECISIONS", false),
                r.string("KYOYU_DECISIONS_TOPIC", Topics.DECISIONS),
                r.string("KYOYU_CONFLICTS_TOPIC", Topics.CONFLICTS),
                r.bool("KYOYU_SINK_IDENTITIES", false),
                r.string("KYOYU_IDENTITIES_TOPIC", Topics.IDENTITIES),
                r.string("KYOYU_SINK_IDENTITIES_GROUP", consumerGroup + ".identities"),
                ManagementPort.read(r, "KYOYU_SINK_MANAGEMENT_PORT"),
                RetentionSettings.read(r, clientRetryWindow),
                storageMetricsInterval(r));
        if (config.batchCatchUpMaxEvents() < config.batchMaxEvents()) {
            r.problem("KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS=" + config.batchCatchUpMaxEvents()
                    + " is below KYOYU_SINK_BATCH_MAX_EVENTS=" + config.batchMaxEvents() + "; set it at least as high");
        }
        if (config.identitiesConsumerGroup().equals(consumerGroup) || config.identitiesConsumerGroup().equals(config.decisionsConsumerGroup())) {
            // One group whose members subscribe to different topics would hand each loop the other's partitions.
            r.problem("KYOYU_SINK_IDENTITIES_GROUP=" + config.identitiesConsumerGroup()
                    + " is a group another loop of this worker uses; give the identities loop its own");
        }
        r.finish();
        return config;
    }

    /** Within the broker's default bounds (group.min/max.session.timeout.ms: 6 s to 30 min). */
    private static Duration sessionTimeout(EnvReader r) {
        Duration timeout = r.duration("KYOYU_SINK_SESSION_TIMEOUT", Duration.ofSeconds(10));
        if (timeout.compareTo(Duration.ofSeconds(6)) < 0 || timeout.compareTo(Duration.ofMinutes(30)) > 0) {
            r.problem("KYOYU_SINK_SESSION_TIMEOUT must be between 6s and 30m (the broker's limits), not " + timeout);
        }
        return timeout;
    }

    /** Often enough for a storage dashboard; the catalog reads behind it cost a little each time. */
    private static Duration storageMetricsInterval(EnvReader r) {
        Duration interval = r.duration("KYOYU_STORAGE_METRICS_INTERVAL", Duration.ofSeconds(60));
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            r.problem("KYOYU_STORAGE_METRICS_INTERVAL must be between 1s and 1h, not " + interval);
        }
        return interval;
    }

    /** The consumer group of the decisions and conflicts topics: this worker's group, suffixed. */
    public String decisionsConsumerGroup() {
        return consumerGroup + ".decisions";
    }
}

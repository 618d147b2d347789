package dev.kyoyu.stream;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.http.ManagementPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The decision stream's settings, read once and validated together (reference: docs/decision-events.md).
 *
 * @param applicationId       Kafka Streams application id: consumer group, transactional id and internal topic prefix
 * @param stateDir            where the local state stores live (rebuilt from their changelogs when lost)
 * @param commitInterval      how often a transaction commits: the latency from event to published decision
 * @param topicPartitions     partitions of the decisions, conflicts and rejected topics when this app creates them
 * @param topicReplication    their replication factor, and that of the state changelogs
 * @param conflictWindow      two decisions conflict only if their valid_from lie at most this far apart
 * @param conflictRetention   how long a decision stays a candidate for conflicts after it was seen (at least the window)
 * @param openDecisionTimeout a decision started but not made within this long is dropped (counted and logged)
 * @param repeatWindow        a decision event whose id was seen this recently is a client retry and is skipped
 * @param maxDecisionBytes    an assembled decision, serialized, may not exceed this; the step that would is rejected
 */
public record StreamConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String applicationId,
        String eventsTopic,
        String decisionsTopic,
        String conflictsTopic,
        String rejectedTopic,
        Path stateDir,
        int threads,
        Duration commitInterval,
        int topicPartitions,
        short topicReplication,
        Duration conflictWindow,
        Duration conflictRetention,
        Duration openDecisionTimeout,
        Duration repeatWindow,
        int maxDecisionBytes,
        ManagementPort management) {

    public static StreamConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        StreamConfig config = new StreamConfig(
                r.string("KYOYU_STREAM_HOST", "127.0.0.1"),
                r.port("KYOYU_STREAM_PORT", 8079),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_STREAM_APPLICATION_ID", "kyoyu-decision-stream"),
                r.string("KYOYU_EVENTS_TOPIC", Topics.EVENTS),
                r.string("KYOYU_DECISIONS_TOPIC", Topics.DECISIONS),
                r.string("KYOYU_CONFLICTS_TOPIC", Topics.CONFLICTS),
                r.string("KYOYU_DECISIONS_REJECTED_TOPIC", Topics.DECISIONS_REJECTED),
                Path.of(r.string("KYOYU_STREAM_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "kyoyu-decision-stream").toString())),
                r.integer("KYOYU_STREAM_THREADS", 1, 1, 64),
                r.duration("KYOYU_STREAM_COMMIT_INTERVAL", Duration.ofMillis(100)),
                r.integer("KYOYU_STREAM_TOPIC_PARTITIONS", 6, 1, 10_000),
                (short) r.integer("KYOYU_STREAM_TOPIC_REPLICATION", 1, 1, 7),
                r.duration("KYOYU_CONFLICT_WINDOW", Duration.ofHours(1)),
                r.duration("KYOYU_CONFLICT_RETENTION", Duration.ofHours(24)),
                r.duration("KYOYU_STREAM_OPEN_DECISION_TIMEOUT", Duration.ofHours(24)),
                r.duration("KYOYU_CLIENT_RETRY_WINDOW", Duration.ofHours(24)),
                r.integer("KYOYU_STREAM_MAX_DECISION_BYTES", 512 * 1024, 1024, 900 * 1024),
                ManagementPort.read(r, "KYOYU_STREAM_MANAGEMENT_PORT"));
        config.check(r);
        r.finish();
        return config;
    }

    /** Rules across settings, reported in the same list as every other problem. */
    private void check(EnvReader r) {
        positive(r, "KYOYU_STREAM_COMMIT_INTERVAL", commitInterval);
        positive(r, "KYOYU_CONFLICT_WINDOW", conflictWindow);
        positive(r, "KYOYU_STREAM_OPEN_DECISION_TIMEOUT", openDecisionTimeout);
        positive(r, "KYOYU_CLIENT_RETRY_WINDOW", repeatWindow);
        if (conflictRetention.compareTo(conflictWindow) < 0) {
            r.problem("KYOYU_CONFLICT_RETENTION=" + conflictRetention + " must be at least KYOYU_CONFLICT_WINDOW=" + conflictWindow);
        }
    }

    private static void positive(EnvReader r, String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            r.problem(name + "=" + value + " must be positive");
        }
    }
}

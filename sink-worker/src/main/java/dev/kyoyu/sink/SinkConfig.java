package dev.kyoyu.sink;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * The sink worker's settings, read once and validated together.
 *
 * @param batchMaxEvents flush when this many events are buffered
 * @param batchMaxAge    flush when the oldest buffered event has waited this long
 * @param retryMaxBackoff the longest pause between attempts while PostgreSQL is unreachable
 * @param clientRetryWindow how long after an event was first stored a client retry of it (same
 *                          client id or Idempotency-Key) is still recognised and skipped
 */
public record SinkConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String eventsTopic,
        String deadLetterTopic,
        String consumerGroup,
        String pgUrl,
        String pgUser,
        String pgPassword,
        int batchMaxEvents,
        Duration batchMaxAge,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration clientRetryWindow) {

    public static SinkConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        SinkConfig config = new SinkConfig(
                r.string("KYOYU_SINK_HOST", "127.0.0.1"),
                r.port("KYOYU_SINK_PORT", 8082),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_EVENTS_TOPIC", Topics.EVENTS),
                r.string("KYOYU_EVENTS_DLQ_TOPIC", Topics.EVENTS_DLQ),
                r.string("KYOYU_SINK_GROUP", "kyoyu-sink"),
                r.required("KYOYU_PG_URL", "jdbc:postgresql://127.0.0.1:55432/kyoyu"),
                r.string("KYOYU_PG_USER", "kyoyu"),
                r.string("KYOYU_PG_PASSWORD", ""),
                r.integer("KYOYU_SINK_BATCH_MAX_EVENTS", 1000, 1, 100_000),
                r.duration("KYOYU_SINK_BATCH_MAX_AGE", Duration.ofMillis(100)),
                r.duration("KYOYU_SINK_RETRY_INITIAL_BACKOFF", Duration.ofMillis(200)),
                r.duration("KYOYU_SINK_RETRY_MAX_BACKOFF", Duration.ofSeconds(15)),
                r.duration("KYOYU_CLIENT_RETRY_WINDOW", Duration.ofHours(24)));
        r.finish();
        return config;
    }
}

package dev.kyoyu.embedder;

import dev.kyoyu.embedder.provider.EmbeddingSettings;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.db.DatabaseSettings;
import dev.kyoyu.service.http.ManagementPort;
import java.time.Duration;
import java.util.Map;

/**
 * The embedder's settings, read once and validated together.
 *
 * @param batchSize      decisions claimed per transaction; small, since claimed rows stay locked while they embed
 * @param idleBackoffMin the first pause after finding nothing to embed; pauses double up to {@code idleBackoffMax}
 * @param retryMaxBackoff the longest pause while the database or the provider fails
 */
public record EmbedderConfig(
        String host,
        int port,
        DatabaseSettings database,
        int poolSize,
        int batchSize,
        Duration idleBackoffMin,
        Duration idleBackoffMax,
        Duration retryMaxBackoff,
        EmbeddingSettings embedding,
        ManagementPort management) {

    public static EmbedderConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        EmbedderConfig config = new EmbedderConfig(
                r.string("KYOYU_EMBEDDER_HOST", "127.0.0.1"),
                r.port("KYOYU_EMBEDDER_PORT", 8078),
                DatabaseSettings.read(r),
                r.integer("KYOYU_EMBEDDER_POOL_SIZE", 2, 2, 20),
                r.integer("KYOYU_EMBEDDER_BATCH_SIZE", 16, 1, 256),
                r.duration("KYOYU_EMBEDDER_IDLE_BACKOFF_MIN", Duration.ofMillis(100)),
                r.duration("KYOYU_EMBEDDER_IDLE_BACKOFF_MAX", Duration.ofSeconds(5)),
                r.duration("KYOYU_EMBEDDER_RETRY_MAX_BACKOFF", Duration.ofSeconds(30)),
                EmbeddingSettings.read(r),
                ManagementPort.read(r, "KYOYU_EMBEDDER_MANAGEMENT_PORT"));
        r.finish();
        return config;
    }
}

package dev.kyoyu.service.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis through Bucket4j's Lettuce integration (compare-and-swap), shared by every replica of a service,
 * so that N replicas together allow an identity its limit once, not N times.
 *
 * <p>Redis unreachable fails open onto this process's own buckets (same limits, so an identity stays bounded, at
 * most replicas times its limit), with {@code kyoyu.rate.store.fallbacks} counting such charges and a warning at
 * most every {@link #LOG_EVERY}: rate limiting protects capacity, it is not what keeps data safe, and ingestion must
 * not stop because a cache is down. Connecting is retried on use, at most once per second.
 */
final class RedisBuckets implements AgentBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBuckets.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);
    private static final Duration RECONNECT_EVERY = Duration.ofSeconds(1);
    /** Keys are {@code kyoyu:rate:<limit>/<role>/<agent>}: nothing else in a shared Redis is touched. */
    private static final String PREFIX = "kyoyu:rate:";

    private final RedisClient client;
    private final Duration timeout;
    private final AgentBuckets fallback;
    private final Counter fallbacks;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private volatile ProxyManager<String> proxies;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private long lastAttempt = Long.MIN_VALUE;

    RedisBuckets(RedisSettings settings, AgentBuckets fallback, MeterRegistry registry) {
        this.timeout = settings.timeout();
        this.fallback = fallback;
        this.fallbacks = Counter.builder("kyoyu.rate.store.fallbacks")
                .description("charges counted in this process's own buckets because Redis did not answer").register(registry);
        this.client = RedisClient.create(RedisURI.create(settings.url().reveal()));
        client.setOptions(ClientOptions.builder()
                // While disconnected a command fails at once instead of queueing: the charge falls back without waiting.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        proxies();
    }

    @Override
    public ConsumptionProbe tryConsume(String key, Bandwidth bandwidth, long tokens) {
        ProxyManager<String> shared = proxies();
        if (shared != null) {
            try {
                return shared.builder().build(PREFIX + key, () -> BucketConfiguration.builder().addLimit(bandwidth).build())
                        .tryConsumeAndReturnRemaining(tokens);
            } catch (RuntimeException e) {
                fellBack(e);
            }
        }
        fallbacks.increment();
        return fallback.tryConsume(key, bandwidth, tokens);
    }

    private ProxyManager<String> proxies() {
        ProxyManager<String> known = proxies;
        return known != null ? known : connect();
    }

    private synchronized ProxyManager<String> connect() {
        long now = System.nanoTime();
        if (proxies != null || (lastAttempt != Long.MIN_VALUE && now - lastAttempt < RECONNECT_EVERY.toNanos())) {
            return proxies;
        }
        lastAttempt = now;
        try {
            connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            connection.setTimeout(timeout);
            proxies = Bucket4jLettuce.casBasedBuilder(connection)
                    // A key lives until its bucket would be full again (then it is the same as no key).
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            LOG.info("rate-limit buckets are shared through Redis");
        } catch (RuntimeException e) {
            fellBack(e);
        }
        return proxies;
    }

    private void fellBack(RuntimeException e) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY.toNanos()) && lastLogged.compareAndSet(last, now)) {
            LOG.warn("Redis did not answer ({}); rate limits are counted per process until it does", e.getMessage());
        }
    }

    @Override
    public long size() {
        return fallback.size();
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, byte[]> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}

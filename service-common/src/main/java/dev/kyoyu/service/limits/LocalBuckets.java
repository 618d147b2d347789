package dev.kyoyu.service.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Buckets in this process's memory: a Caffeine map of at most {@code maxBuckets} Bucket4j buckets, each dropped once it
 * has not been used for as long as an empty bucket takes to fill, so forgetting an idle identity forgives nothing.
 */
final class LocalBuckets implements AgentBuckets {
    private final Cache<String, Bucket> buckets;
    private final TimeMeter clock;

    LocalBuckets(long maxBuckets, Duration fillTime, TimeMeter clock) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .expireAfterAccess(fillTime)
                .ticker(clock::currentTimeNanos)
                // Maintenance (eviction) on the calling thread: the bound holds without a background pool.
                .executor(Runnable::run)
                .build();
    }

    @Override
    public ConsumptionProbe tryConsume(String key, Bandwidth bandwidth, long tokens) {
        return buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build())
                .tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}

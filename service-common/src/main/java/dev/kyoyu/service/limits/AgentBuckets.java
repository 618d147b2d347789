package dev.kyoyu.service.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * The one place that knows where the agents' buckets live. Today in this process's memory: a Caffeine map of at
 * most {@code maxBuckets} Bucket4j buckets, each dropped once it has not been used for as long as an empty bucket
 * takes to fill, so forgetting an idle agent forgives nothing. Buckets shared by every replica (Redis) would be
 * looked up here through a Bucket4j {@code ProxyManager} instead; the limiter above does not change.
 */
public final class AgentBuckets {
    private final Cache<String, Bucket> buckets;
    private final TimeMeter clock;

    private AgentBuckets(Cache<String, Bucket> buckets, TimeMeter clock) {
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * @param fillTime the longest an empty bucket of any limit takes to fill; a bucket idle that long is full
     * @param clock    refills and expires buckets: {@link TimeMeter#SYSTEM_NANOTIME} in production, a hand-moved one in tests
     */
    public static AgentBuckets inProcess(long maxBuckets, Duration fillTime, TimeMeter clock) {
        Cache<String, Bucket> buckets = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .expireAfterAccess(fillTime)
                .ticker(clock::currentTimeNanos)
                // Maintenance (eviction) on the calling thread: the bound holds without a background pool.
                .executor(Runnable::run)
                .build();
        return new AgentBuckets(buckets, clock);
    }

    /** Takes {@code tokens} from the bucket under {@code key}, made full with {@code bandwidth} if there is none. */
    ConsumptionProbe tryConsume(String key, Bandwidth bandwidth, long tokens) {
        return buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build())
                .tryConsumeAndReturnRemaining(tokens);
    }

    /** Buckets held now. */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}

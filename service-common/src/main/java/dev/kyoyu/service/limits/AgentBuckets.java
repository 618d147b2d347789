package dev.kyoyu.service.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Where the identities' buckets live: in this process ({@link LocalBuckets}) or in Redis, shared by every replica
 * ({@link RedisBuckets}). The limiter above does not know which.
 */
public interface AgentBuckets extends AutoCloseable {
    /** Takes {@code tokens} from the bucket under {@code key}, made full with {@code bandwidth} if there is none. */
    ConsumptionProbe tryConsume(String key, Bandwidth bandwidth, long tokens);

    /** Buckets held in this process's memory now. */
    long size();

    @Override
    default void close() {
    }

    /**
     * @param fillTime the longest an empty bucket of any limit takes to fill; a bucket idle that long is full
     * @param clock    refills and expires buckets: {@link TimeMeter#SYSTEM_NANOTIME} in production, a hand-moved one in tests
     */
    static AgentBuckets inProcess(long maxBuckets, Duration fillTime, TimeMeter clock) {
        return new LocalBuckets(maxBuckets, fillTime, clock);
    }
}

package dev.kyoyu.service.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, for retrying while a dependency is down (the sink, the embedder) or
 * polling for work that is not there yet (the embedder): doubles from the initial delay up to the maximum,
 * and each delay is drawn from [half, whole] so that many workers do not hammer a recovering database in step.
 * Not thread-safe: one per loop.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private long currentNanos;
    private int attempts;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialNanos = Math.max(1, initial.toNanos());
        this.maxNanos = Math.max(initialNanos, max.toNanos());
        this.random = random;
        this.currentNanos = initialNanos;
    }

    /** The delay before the next attempt; each call doubles the ceiling until the maximum. */
    public Duration next() {
        long ceiling = currentNanos;
        currentNanos = Math.min(maxNanos, currentNanos * 2);
        attempts++;
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }

    public int attempts() {
        return attempts;
    }

    public void reset() {
        currentNanos = initialNanos;
        attempts = 0;
    }
}

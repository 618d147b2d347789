package dev.kyoyu.service.limits;

import java.time.Duration;

/**
 * Where an agent stands against one limit after a request was counted (or refused): what the
 * {@code RateLimit-*} headers tell it.
 *
 * @param limit      what was counted
 * @param capacity   tokens the full bucket holds (RateLimit-Limit)
 * @param remaining  tokens left now (RateLimit-Remaining)
 * @param untilFull  time until the bucket is full again (RateLimit-Reset)
 * @param retryAfter for a refused request, time until it could succeed; zero when it was counted
 */
public record Allowance(Limit limit, long capacity, long remaining, Duration untilFull, Duration retryAfter) {
    public boolean granted() {
        return retryAfter.isZero();
    }

    /** Whole seconds, rounded up: a client that waits this long is never early. */
    static long ceilSeconds(Duration d) {
        long seconds = d.getSeconds();
        return d.getNano() > 0 ? seconds + 1 : seconds;
    }
}

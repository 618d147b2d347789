package dev.kyoyu.service.limits;

import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.EnvReader;
import io.lettuce.core.RedisURI;
import java.time.Duration;

/**
 * Where the buckets every replica shares live, when they are shared.
 *
 * @param url     {@code KYOYU_REDIS_URL}, e.g. {@code redis://127.0.0.1:6379} (a secret: it may carry a password)
 * @param timeout {@code KYOYU_REDIS_TIMEOUT}: the longest one charge waits for Redis before this process counts it
 *                in its own buckets instead
 */
public record RedisSettings(Secret url, Duration timeout) {
    /** The settings, or null when {@code KYOYU_REDIS_URL} is unset: buckets are then per process. */
    public static RedisSettings read(EnvReader r) {
        Secret url = r.optionalSecret("KYOYU_REDIS_URL");
        Duration timeout = r.duration("KYOYU_REDIS_TIMEOUT", Duration.ofMillis(250));
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
            r.problem("KYOYU_REDIS_TIMEOUT=" + timeout + " must be above 0 and at most 10s");
        }
        if (url == null) {
            return null;
        }
        try {
            RedisURI.create(url.reveal());
        } catch (RuntimeException e) {
            // The value is not echoed: it may hold a password.
            r.problem("KYOYU_REDIS_URL is not a Redis URL (redis://[:password@]host:port[/database])");
            return null;
        }
        return new RedisSettings(url, timeout);
    }
}

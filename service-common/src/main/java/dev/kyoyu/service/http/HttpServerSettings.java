package dev.kyoyu.service.http;

import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;

/**
 * How long a server waits for a client, the same settings in every Kyoyu process.
 *
 * @param readTimeout a read of request headers or body that receives nothing for this long ends the connection
 *                    (KYOYU_HTTP_READ_TIMEOUT)
 * @param idleTimeout a keep-alive connection without a request for this long is closed (KYOYU_HTTP_IDLE_TIMEOUT)
 */
public record HttpServerSettings(Duration readTimeout, Duration idleTimeout) {
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** For processes that serve only /health and /metrics and read no settings of their own for it. */
    public static HttpServerSettings defaults() {
        return new HttpServerSettings(DEFAULT_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }

    public static HttpServerSettings read(EnvReader r) {
        HttpServerSettings settings = new HttpServerSettings(
                r.duration("KYOYU_HTTP_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
                r.duration("KYOYU_HTTP_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT));
        if (settings.readTimeout().compareTo(Duration.ofMillis(100)) < 0 || settings.readTimeout().compareTo(Duration.ofMinutes(10)) > 0) {
            r.problem("KYOYU_HTTP_READ_TIMEOUT=" + settings.readTimeout() + " is outside 100ms..10m");
        }
        if (settings.idleTimeout().compareTo(Duration.ofSeconds(1)) < 0 || settings.idleTimeout().compareTo(Duration.ofHours(1)) > 0) {
            r.problem("KYOYU_HTTP_IDLE_TIMEOUT=" + settings.idleTimeout() + " is outside 1s..1h");
        }
        return settings;
    }
}

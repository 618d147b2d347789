package dev.kyoyu.service.limits;

import dev.kyoyu.service.http.Envelope;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

/**
 * The {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} headers of the IETF
 * RateLimit header fields draft (Reset in seconds from now), on answers that were counted and on 429s, and
 * {@code Retry-After} on 429s.
 */
public final class RateLimitHeaders {
    public static final HeaderName LIMIT = HeaderNames.create("RateLimit-Limit");
    public static final HeaderName REMAINING = HeaderNames.create("RateLimit-Remaining");
    public static final HeaderName RESET = HeaderNames.create("RateLimit-Reset");

    private RateLimitHeaders() {
    }

    /** Sets (replaces) the headers: a 429 for events after the request was counted names the events limit. */
    public static void write(ServerResponse res, Allowance allowance) {
        res.headers().set(LIMIT, Long.toString(allowance.capacity()));
        res.headers().set(REMAINING, Long.toString(allowance.remaining()));
        res.headers().set(RESET, Long.toString(Allowance.ceilSeconds(allowance.untilFull())));
        if (!allowance.granted()) {
            res.headers().set(HeaderNames.RETRY_AFTER, Long.toString(RateLimitedException.retryAfterSeconds(allowance)));
        }
    }

    /** Answers every {@link RateLimitedException}, wherever in the request it was thrown: 429, headers, envelope. */
    public static void install(HttpRouting.Builder routing) {
        routing.error(RateLimitedException.class, (req, res, e) -> {
            write(res, e.allowance());
            Envelope.sendError(req, res, e.code(), e.getMessage(), e.details());
        });
    }
}

package dev.kyoyu.service.http;

import dev.kyoyu.service.auth.Authenticator;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Bounds the memory that request bodies can take, whatever clients send: a request body becomes a JSON tree
 * several times its size, so the bodies being worked on at once share a fixed budget. Only an authenticated
 * caller reserves any of it: a POST to a protected route is answered 401 before its body is read, so
 * unauthenticated clients cannot hold the budget (the token route has a tiny body limit of its own instead).
 * A request reserves what {@code reservation} says (its Content-Length, capped by the body limit); when the
 * budget stays exhausted for {@code wait}, the answer is 503 with Retry-After, and nothing was accepted.
 */
public final class BodyAdmission {
    private static final int KIB = 1024;

    private final Semaphore budgetKib;
    private final int totalKib;
    private final Duration wait;
    private final Authenticator authenticator;
    private final Set<String> publicPaths;
    private final ToLongFunction<ServerRequest> reservation;

    /**
     * @param publicPaths  POST paths that need no token (their bodies are bounded by their own small limits)
     * @param reservation  the bytes a request reserves, e.g. its Content-Length capped by the body limit
     * @param gaugeName    the metric that shows how much of the budget is in use, in bytes
     */
    public BodyAdmission(long budgetBytes, Duration wait, Authenticator authenticator, Set<String> publicPaths,
                         ToLongFunction<ServerRequest> reservation, MeterRegistry registry, String gaugeName) {
        this.totalKib = (int) Math.max(1, budgetBytes / KIB);
        this.budgetKib = new Semaphore(totalKib, true);
        this.wait = wait;
        this.authenticator = authenticator;
        this.publicPaths = Set.copyOf(publicPaths);
        this.reservation = reservation;
        Gauge.builder(gaugeName, budgetKib, s -> (double) (totalKib - s.availablePermits()) * KIB).register(registry);
    }

    /** The usual reservation: the declared Content-Length, or the body limit when the length is not declared. */
    public static ToLongFunction<ServerRequest> declaredLength(long maxBodyBytes) {
        return req -> Math.min(req.headers().contentLength().orElse(maxBodyBytes), maxBodyBytes);
    }

    private boolean admitted(int kib) {
        try {
            return budgetKib.tryAcquire(kib, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void install(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            if (req.prologue().method() != Method.POST || publicPaths.contains(req.path().path())) {
                chain.proceed();
                return;
            }
            try {
                // Verified once here; the route's own call finds the caller already in the request context.
                authenticator.authenticate(req);
            } catch (ApiException e) {
                // The body is never read: close rather than let the server drain it.
                res.header(HeaderValues.CONNECTION_CLOSE);
                ApiErrors.retryAfter(res, e);
                Envelope.sendError(req, res, e.code(), e.getMessage(), e.details());
                return;
            }
            // A body larger than the whole budget still gets in alone, or it could never be answered.
            int kib = (int) Math.min(totalKib, Math.max(1, (reservation.applyAsLong(req) + KIB - 1) / KIB));
            if (!admitted(kib)) {
                res.header(HeaderNames.RETRY_AFTER, "1");
                res.header(HeaderValues.CONNECTION_CLOSE);
                Envelope.sendError(req, res, ErrorCode.UNAVAILABLE,
                        "the server is at its memory budget for request bodies; send the same request again shortly", Map.of());
                return;
            }
            try {
                chain.proceed();
            } finally {
                budgetKib.release(kib);
            }
        });
    }
}

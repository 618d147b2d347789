package dev.kyoyu.ingest.http;

import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory that request bodies can take, whatever clients send: a request body becomes a
 * JSON tree several times its size, so the bodies being worked on at once share a fixed budget.
 * A request reserves its Content-Length (or the body limit when the length is unknown; a streamed
 * NDJSON request only its line buffer); when the budget stays exhausted for {@code wait}, the answer
 * is 503 with Retry-After, and nothing of the request was accepted.
 */
public final class BodyAdmission {
    private static final int KIB = 1024;

    private final Semaphore budgetKib;
    private final int totalKib;
    private final long maxBodyBytes;
    private final long streamReservationBytes;
    private final Duration wait;

    public BodyAdmission(long budgetBytes, long maxBodyBytes, long streamReservationBytes, Duration wait, MeterRegistry registry) {
        this.totalKib = (int) Math.max(1, budgetBytes / KIB);
        this.budgetKib = new Semaphore(totalKib, true);
        this.maxBodyBytes = maxBodyBytes;
        this.streamReservationBytes = streamReservationBytes;
        this.wait = wait;
        Gauge.builder("kyoyu.ingest.body.budget.used.bytes", budgetKib, s -> (double) (totalKib - s.availablePermits()) * KIB)
                .register(registry);
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
            if (req.prologue().method() != Method.POST) {
                chain.proceed();
                return;
            }
            boolean streamed = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").startsWith(EventStreamRoutes.NDJSON);
            long reserved = streamed ? streamReservationBytes
                    : Math.min(req.headers().contentLength().orElse(maxBodyBytes), maxBodyBytes);
            // A body larger than the whole budget still gets in alone, or it could never be answered.
            int kib = (int) Math.min(totalKib, Math.max(1, (reserved + KIB - 1) / KIB));
            if (!admitted(kib)) {
                res.header(HeaderNames.RETRY_AFTER, "1");
                Envelope.sendError(req, res, ErrorCode.UNAVAILABLE,
                        "the ingest API is at its memory budget for request bodies; send the same request again shortly", Map.of());
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

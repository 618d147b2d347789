package dev.kyoyu.service.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /health} (no auth; 200 when ready, 503 with the reason otherwise) and {@code GET /metrics}. */
public final class HealthAndMetricsRoutes {
    /** What a process reports about itself; details name each dependency's state. */
    public record Health(boolean healthy, Map<String, Object> details) {
    }

    private HealthAndMetricsRoutes() {
    }

    public static void install(HttpRouting.Builder routing, PrometheusMeterRegistry registry, Supplier<Health> health) {
        routing.get("/health", (req, res) -> {
            Health h = health.get();
            Envelope.send(req, res, h.healthy() ? 200 : 503,
                    Map.of("status", h.healthy() ? "ok" : "unhealthy", "checks", h.details()));
        });
        routing.get("/metrics", (req, res) -> {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(registry.scrape());
        });
    }
}

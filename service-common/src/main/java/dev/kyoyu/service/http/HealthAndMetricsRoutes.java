package dev.kyoyu.service.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The endpoints that need no token: {@code GET /health} is readiness (200 when the service can do its job, 503 with
 * each check's state otherwise; the launcher and load balancers wait on it), {@code GET /health/live} is liveness
 * (200 while the process serves requests at all: restart it only when this fails), and {@code GET /metrics}.
 */
public final class HealthAndMetricsRoutes {
    /** What a process reports about itself; details name each dependency's state and never hold a secret. */
    public record Health(boolean healthy, Map<String, Object> details) {
    }

    private HealthAndMetricsRoutes() {
    }

    /** /health, /health/live and /metrics on one routing. */
    public static void install(HttpRouting.Builder routing, PrometheusMeterRegistry registry, Supplier<Health> health) {
        installHealth(routing, health);
        installMetrics(routing, registry);
    }

    public static void installHealth(HttpRouting.Builder routing, Supplier<Health> health) {
        routing.get("/health/live", (req, res) -> Envelope.send(req, res, 200, Map.of("status", "alive")));
        routing.get("/health", (req, res) -> {
            Health h = health.get();
            Envelope.send(req, res, h.healthy() ? 200 : 503,
                    Map.of("status", h.healthy() ? "ok" : "unhealthy", "checks", h.details()));
        });
    }

    public static void installMetrics(HttpRouting.Builder routing, PrometheusMeterRegistry registry) {
        routing.get("/metrics", (req, res) -> {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(registry.scrape());
        });
    }
}

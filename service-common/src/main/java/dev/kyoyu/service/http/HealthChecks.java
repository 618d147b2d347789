package dev.kyoyu.service.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness of a process as a list of named checks, each saying whether the service can do its job as far as
 * that dependency goes. Parts of a service add their own ({@link #add}) at any time before or after the server starts;
 * {@code /health} is ready only while every check is. A check's detail is shown on /health as is: it must never hold
 * a secret (a password, a key, a token) or a URL with credentials.
 */
public final class HealthChecks implements Supplier<HealthAndMetricsRoutes.Health> {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    /** One check's answer: ready or not, and what /health shows for it (a string or a small map). */
    public record Result(boolean ready, Object detail) {
        public static Result ready(Object detail) {
            return new Result(true, detail);
        }

        public static Result notReady(Object detail) {
            return new Result(false, detail);
        }
    }

    private record Named(String name, Supplier<Result> check) {
    }

    private final List<Named> checks = new CopyOnWriteArrayList<>();

    public HealthChecks add(String name, Supplier<Result> check) {
        checks.add(new Named(name, check));
        return this;
    }

    @Override
    public HealthAndMetricsRoutes.Health get() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ready = true;
        for (Named named : checks) {
            Result result;
            try {
                result = named.check().get();
            } catch (RuntimeException e) {
                // The exception's text stays in the log: /health is unauthenticated and shows only that it failed.
                LOG.warn("health check {} failed", named.name(), e);
                result = Result.notReady("check failed");
            }
            details.put(named.name(), result.detail());
            ready &= result.ready();
        }
        return new HealthAndMetricsRoutes.Health(ready, details);
    }
}

package dev.kyoyu.service.metrics;

import dev.kyoyu.service.http.HealthAndMetricsRoutes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code kyoyu_ready{service}}: 1 while the process's /health readiness passes, else 0 (the service tag is the
 * registry's common tag). A scrape evaluates the checks, which answer from their short-lived caches, but waits at
 * most {@link #SCRAPE_WAIT} for them: while a dependency is slow to answer (a database that does not respond ties up
 * a connection attempt for seconds) the scrape shows the last known answer and the evaluation finishes on its own.
 */
public final class ReadinessGauge {
    static final Duration SCRAPE_WAIT = Duration.ofMillis(250);

    private final Supplier<HealthAndMetricsRoutes.Health> health;
    private volatile boolean lastReady;
    private CompletableFuture<Boolean> running;

    private ReadinessGauge(Supplier<HealthAndMetricsRoutes.Health> health) {
        this.health = health;
    }

    public static void register(MeterRegistry registry, Supplier<HealthAndMetricsRoutes.Health> health) {
        Gauge.builder("kyoyu.ready", new ReadinessGauge(health), ReadinessGauge::value)
                .description("1 while /health says ready, else 0").strongReference(true).register(registry);
    }

    double value() {
        try {
            return evaluation().get(SCRAPE_WAIT.toMillis(), TimeUnit.MILLISECONDS) ? 1 : 0;
        } catch (TimeoutException | ExecutionException e) {
            return lastReady ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastReady ? 1 : 0;
        }
    }

    /** The evaluation under way, or a new one: never more than one at a time, however often Prometheus asks. */
    private synchronized CompletableFuture<Boolean> evaluation() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(() -> {
                boolean ready = health.get().healthy();
                lastReady = ready;
                return ready;
            }, command -> Thread.ofVirtual().name("readiness-gauge").start(command));
        }
        return running;
    }
}

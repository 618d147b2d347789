package dev.kyoyu.service.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.HealthAndMetricsRoutes.Health;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReadinessGaugeTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final AtomicBoolean slow = new AtomicBoolean();
    private final CountDownLatch answer = new CountDownLatch(1);

    private Health health() {
        if (slow.get()) {
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Health(ready.get(), Map.of());
    }

    private Gauge gauge() {
        return registry.get("kyoyu.ready").gauge();
    }

    /** Scrapes until the value satisfies {@code expected}, for at most ten seconds. */
    private void awaitValue(DoublePredicate expected, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double value;
        while (!expected.test(value = gauge().value())) {
            assertTrue(System.nanoTime() < deadline, what + "; last value " + value);
        }
    }

    @Test
    @DisplayName("1 while the health checks say ready, 0 once they do not")
    void followsReadiness() {
        ReadinessGauge.register(registry, this::health);
        assertEquals(1, gauge().value());
        ready.set(false);
        awaitValue(v -> v == 0, "not ready shows as 0");
    }

    @Test
    @DisplayName("a check that does not answer holds no scrape: it shows the last answer until the new one comes")
    void aSlowCheckShowsTheLastAnswer() {
        ReadinessGauge.register(registry, this::health);
        assertEquals(1, gauge().value());
        slow.set(true);
        ready.set(false);
        long started = System.nanoTime();
        assertEquals(1, gauge().value(), "the last answer while the check hangs");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "the scrape did not wait for the check");
        answer.countDown();
        awaitValue(v -> v == 0, "the check's answer shows once it comes");
    }
}

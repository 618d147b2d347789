package dev.kyoyu.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    @Test
    @DisplayName("ready only while every check is; each check's detail is shown under its name")
    void readyOnlyWhenEveryCheckIs() {
        HealthChecks checks = new HealthChecks().add("postgres", () -> HealthChecks.Result.ready("ok"));
        assertTrue(checks.get().healthy());
        checks.add("identities", () -> HealthChecks.Result.notReady("catching up"));
        HealthAndMetricsRoutes.Health health = checks.get();
        assertFalse(health.healthy());
        assertEquals("ok", health.details().get("postgres"));
        assertEquals("catching up", health.details().get("identities"));
    }

    @Test
    @DisplayName("a check that throws is not ready, and its exception's text stays off /health")
    void aThrowingCheckIsNotReady() {
        HealthChecks checks = new HealthChecks().add("broken", () -> {
            throw new IllegalStateException("jdbc:postgresql://db/kyoyu?password=hunter2");
        });
        HealthAndMetricsRoutes.Health health = checks.get();
        assertFalse(health.healthy());
        assertEquals("check failed", health.details().get("broken"));
    }
}

package dev.kyoyu.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final HandClock clock = new HandClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** 2 requests/s and 10 events/s, buckets of two seconds' worth, admins ten times that. */
    private RateLimiter limiter(int maxBuckets) {
        RateLimits limits = new RateLimits(Map.of(
                Limit.INGEST_REQUESTS, new Rate(2, Duration.ofSeconds(1)),
                Limit.INGEST_EVENTS, new Rate(10, Duration.ofSeconds(1))), 2, 10, 10);
        return new RateLimiter(limits, AgentBuckets.inProcess(maxBuckets, limits.fillTime(), clock), registry);
    }

    @Test
    void refusesTheRequestPastTheBurstAndSaysWhenToComeBack() {
        RateLimiter limiter = limiter(100);
        for (int i = 1; i <= 4; i++) {
            Allowance granted = limiter.charge(Limit.INGEST_REQUESTS, "agent-a", false, 1);
            assertTrue(granted.granted());
            assertEquals(4, granted.capacity());
            assertEquals(4 - i, granted.remaining());
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-a", false, 1));
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        Allowance allowance = refused.allowance();
        assertEquals(0, allowance.remaining());
        assertEquals(Duration.ofMillis(500), allowance.retryAfter(), "one token comes back every half second");
        assertEquals(Duration.ofSeconds(2), allowance.untilFull());
        assertEquals(1, RateLimitedException.retryAfterSeconds(allowance), "Retry-After rounds up to whole seconds");
        assertTrue(refused.getMessage().contains("2 requests/s"), refused.getMessage());
        assertEquals(1.0, registry.get("kyoyu.rate.limited").tag("limit", "requests").counter().count());
    }

    @Test
    void refillsAtTheConfiguredRate() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 4; i++) {
            limiter.charge(Limit.INGEST_REQUESTS, "agent-b", false, 1);
        }
        clock.advance(Duration.ofMillis(499));
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-b", false, 1));
        clock.advance(Duration.ofMillis(1));
        assertTrue(limiter.charge(Limit.INGEST_REQUESTS, "agent-b", false, 1).granted());
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-b", false, 1));
    }

    @Test
    void oneAgentOverItsLimitLeavesOtherAgentsAndOtherLimitsAlone() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 4; i++) {
            limiter.charge(Limit.INGEST_REQUESTS, "agent-c", false, 1);
        }
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-c", false, 1));
        assertTrue(limiter.charge(Limit.INGEST_REQUESTS, "agent-d", false, 1).granted());
        assertEquals(19, limiter.charge(Limit.INGEST_EVENTS, "agent-c", false, 1).remaining());
    }

    @Test
    void aRefusedChargeTakesNothing() {
        RateLimiter limiter = limiter(100);
        assertEquals(5, limiter.charge(Limit.INGEST_EVENTS, "agent-e", false, 15).remaining());
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_EVENTS, "agent-e", false, 10));
        assertEquals(5, refused.allowance().remaining());
        assertEquals(Duration.ofMillis(500), refused.allowance().retryAfter(), "five more events take half a second");
        assertEquals(0, limiter.charge(Limit.INGEST_EVENTS, "agent-e", false, 5).remaining());
    }

    @Test
    void adminsAreLimitedTooAtTheAdminFactor() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 40; i++) {
            limiter.charge(Limit.INGEST_REQUESTS, "ops", true, 1);
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_REQUESTS, "ops", true, 1));
        assertEquals(40, refused.allowance().capacity());
        assertTrue(refused.getMessage().contains("20 requests/s"), refused.getMessage());
    }

    @Test
    void moreThanAFullBucketCanNeverPassAndIs413() {
        RateLimiter limiter = limiter(100);
        ApiException tooMany = assertThrows(ApiException.class, () -> limiter.charge(Limit.INGEST_EVENTS, "agent-f", false, 21));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, tooMany.code());
        assertTrue(tooMany.getMessage().contains("at most 20"), tooMany.getMessage());
        assertEquals(20, limiter.charge(Limit.INGEST_EVENTS, "agent-f", false, 20).capacity(), "the bucket was left untouched");
    }

    @Test
    void holdsNoMoreBucketsThanItsBoundWhateverTheNumberOfAgents() {
        AgentBuckets buckets = AgentBuckets.inProcess(50, Duration.ofMinutes(1), clock);
        RateLimiter limiter = new RateLimiter(new RateLimits(Map.of(Limit.QUERIES, new Rate(5, Duration.ofMinutes(1))), 1, 10, 10),
                buckets, registry);
        for (int i = 0; i < 5_000; i++) {
            limiter.charge(Limit.QUERIES, "agent-" + i, false, 1);
        }
        assertTrue(buckets.size() <= 50, buckets.size() + " buckets held");
    }

    @Test
    void forgetsAnIdleAgentOnlyOnceItsBucketWouldBeFullAgain() {
        AgentBuckets buckets = AgentBuckets.inProcess(100, Duration.ofSeconds(2), clock);
        RateLimiter limiter = new RateLimiter(new RateLimits(Map.of(Limit.SEARCHES, new Rate(2, Duration.ofSeconds(1))), 2, 10, 10),
                buckets, registry);
        for (int i = 0; i < 4; i++) {
            limiter.charge(Limit.SEARCHES, "agent-g", false, 1);
        }
        clock.advance(Duration.ofMillis(1900));
        assertEquals(1, buckets.size(), "still owed tokens: kept, or forgetting it would forgive the debt");
        clock.advance(Duration.ofMillis(200));
        assertEquals(0, buckets.size(), "full again: forgetting it loses nothing");
    }
}

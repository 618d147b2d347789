package dev.kyoyu.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final HandClock clock = new HandClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /**
     * Agents 2 requests/s and 10 events/s, admins 20 and 100, readers 1 request/s and no events; buckets of two
     * seconds' worth.
     */
    private RateLimiter limiter(int maxBuckets) {
        RateLimits limits = new RateLimits(Map.of(
                Limit.INGEST_REQUESTS, Map.of(Role.AGENT, perSecond(2), Role.ADMIN, perSecond(20), Role.READER, perSecond(1)),
                Limit.INGEST_EVENTS, Map.of(Role.AGENT, perSecond(10), Role.ADMIN, perSecond(100))), 2, 10, null, true);
        return new RateLimiter(limits, AgentBuckets.inProcess(maxBuckets, limits.fillTime(), clock), registry);
    }

    private static Rate perSecond(int amount) {
        return new Rate(amount, Duration.ofSeconds(1));
    }

    private static RateLimits oneLimit(Limit limit, Rate rate, int burst) {
        return new RateLimits(Map.of(limit, Map.of(Role.AGENT, rate)), burst, 10, null, true);
    }

    @Test
    void refusesTheRequestPastTheBurstAndSaysWhenToComeBack() {
        RateLimiter limiter = limiter(100);
        for (int i = 1; i <= 4; i++) {
            Allowance granted = limiter.charge(Limit.INGEST_REQUESTS, "agent-a", Role.AGENT, 1);
            assertTrue(granted.granted());
            assertEquals(4, granted.capacity());
            assertEquals(4 - i, granted.remaining());
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-a", Role.AGENT, 1));
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
            limiter.charge(Limit.INGEST_REQUESTS, "agent-b", Role.AGENT, 1);
        }
        clock.advance(Duration.ofMillis(499));
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-b", Role.AGENT, 1));
        clock.advance(Duration.ofMillis(1));
        assertTrue(limiter.charge(Limit.INGEST_REQUESTS, "agent-b", Role.AGENT, 1).granted());
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-b", Role.AGENT, 1));
    }

    @Test
    void oneAgentOverItsLimitLeavesOtherAgentsAndOtherLimitsAlone() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 4; i++) {
            limiter.charge(Limit.INGEST_REQUESTS, "agent-c", Role.AGENT, 1);
        }
        assertThrows(RateLimitedException.class, () -> limiter.charge(Limit.INGEST_REQUESTS, "agent-c", Role.AGENT, 1));
        assertTrue(limiter.charge(Limit.INGEST_REQUESTS, "agent-d", Role.AGENT, 1).granted());
        assertEquals(19, limiter.charge(Limit.INGEST_EVENTS, "agent-c", Role.AGENT, 1).remaining());
    }

    @Test
    void aRefusedChargeTakesNothing() {
        RateLimiter limiter = limiter(100);
        assertEquals(5, limiter.charge(Limit.INGEST_EVENTS, "agent-e", Role.AGENT, 15).remaining());
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_EVENTS, "agent-e", Role.AGENT, 10));
        assertEquals(5, refused.allowance().remaining());
        assertEquals(Duration.ofMillis(500), refused.allowance().retryAfter(), "five more events take half a second");
        assertEquals(0, limiter.charge(Limit.INGEST_EVENTS, "agent-e", Role.AGENT, 5).remaining());
    }

    @Test
    void switchedOffItCountsNothing() {
        RateLimits off = new RateLimits(Map.of(Limit.INGEST_REQUESTS, Map.of(Role.AGENT, perSecond(1))), 1, 10, null, false);
        RateLimiter limiter = new RateLimiter(off, AgentBuckets.inProcess(10, off.fillTime(), clock), registry);
        for (int i = 0; i < 100; i++) {
            assertTrue(limiter.charge(Limit.INGEST_REQUESTS, "agent-off", Role.AGENT, 1).granted());
        }
    }

    @Test
    void eachRoleHasItsOwnBucketSizeAndRate() {
        RateLimiter limiter = limiter(100);
        assertEquals(4, limiter.charge(Limit.INGEST_REQUESTS, "same-id", Role.AGENT, 1).capacity());
        assertEquals(40, limiter.charge(Limit.INGEST_REQUESTS, "same-id-admin", Role.ADMIN, 1).capacity());
        Allowance reader = limiter.charge(Limit.INGEST_REQUESTS, "same-id-reader", Role.READER, 1);
        assertEquals(2, reader.capacity());
        assertEquals(1, reader.remaining());
    }

    @Test
    void aRoleWithNoneOfALimitIsRefusedWith403NamingTheSetting() {
        RateLimiter limiter = limiter(100);
        ApiException refused = assertThrows(ApiException.class, () -> limiter.charge(Limit.INGEST_EVENTS, "reader-a", Role.READER, 1));
        assertEquals(ErrorCode.FORBIDDEN, refused.code());
        assertTrue(refused.getMessage().contains("KYOYU_RATE_INGEST_EVENTS_READER=0"), refused.getMessage());
    }

    @Test
    void adminsAreLimitedTooAtTheirOwnRate() {
        RateLimiter limiter = limiter(100);
        for (int i = 0; i < 40; i++) {
            limiter.charge(Limit.INGEST_REQUESTS, "ops", Role.ADMIN, 1);
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.charge(Limit.INGEST_REQUESTS, "ops", Role.ADMIN, 1));
        assertEquals(40, refused.allowance().capacity());
        assertTrue(refused.getMessage().contains("20 requests/s"), refused.getMessage());
    }

    @Test
    void moreThanAFullBucketCanNeverPassAndIs413() {
        RateLimiter limiter = limiter(100);
        ApiException tooMany = assertThrows(ApiException.class, () -> limiter.charge(Limit.INGEST_EVENTS, "agent-f", Role.AGENT, 21));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, tooMany.code());
        assertTrue(tooMany.getMessage().contains("at most 20"), tooMany.getMessage());
        assertEquals(20, limiter.charge(Limit.INGEST_EVENTS, "agent-f", Role.AGENT, 20).capacity(), "the bucket was left untouched");
    }

    @Test
    void holdsNoMoreBucketsThanItsBoundWhateverTheNumberOfAgents() {
        AgentBuckets buckets = AgentBuckets.inProcess(50, Duration.ofMinutes(1), clock);
        RateLimiter limiter = new RateLimiter(oneLimit(Limit.QUERIES, new Rate(5, Duration.ofMinutes(1)), 1),
                buckets, registry);
        for (int i = 0; i < 5_000; i++) {
            limiter.charge(Limit.QUERIES, "agent-" + i, Role.AGENT, 1);
        }
        assertTrue(buckets.size() <= 50, buckets.size() + " buckets held");
    }

    @Test
    void forgetsAnIdleAgentOnlyOnceItsBucketWouldBeFullAgain() {
        AgentBuckets buckets = AgentBuckets.inProcess(100, Duration.ofSeconds(2), clock);
        RateLimiter limiter = new RateLimiter(oneLimit(Limit.SEARCHES, new Rate(2, Duration.ofSeconds(1)), 2),
                buckets, registry);
        for (int i = 0; i < 4; i++) {
            limiter.charge(Limit.SEARCHES, "agent-g", Role.AGENT, 1);
        }
        clock.advance(Duration.ofMillis(1900));
        assertEquals(1, buckets.size(), "still owed tokens: kept, or forgetting it would forgive the debt");
        clock.advance(Duration.ofMillis(200));
        assertEquals(0, buckets.size(), "full again: forgetting it loses nothing");
    }
}

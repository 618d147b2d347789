package dev.kyoyu.service.limits;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what each agent spends against its limits (one token bucket per agent and limit) and refuses what would go
 * over, so the caller can refuse before doing any work. Admin agents get buckets {@link RateLimits#adminFactor} times
 * larger and faster.
 */
public final class RateLimiter {
    private final RateLimits limits;
    private final AgentBuckets buckets;
    private final Map<Limit, Bandwidth> agentBuckets = new EnumMap<>(Limit.class);
    private final Map<Limit, Bandwidth> adminBuckets = new EnumMap<>(Limit.class);
    private final Map<Limit, Counter> refused = new EnumMap<>(Limit.class);

    public RateLimiter(RateLimits limits, AgentBuckets buckets, MeterRegistry registry) {
        this.limits = limits;
        this.buckets = buckets;
        for (Limit limit : limits.rates().keySet()) {
            agentBuckets.put(limit, configuration(limit, false));
            adminBuckets.put(limit, configuration(limit, true));
            refused.put(limit, Counter.builder("kyoyu.rate.limited").tag("limit", limit.unit())
                    .description("requests refused with 429 because the agent was over this limit").register(registry));
        }
        Gauge.builder("kyoyu.rate.buckets", buckets, AgentBuckets::size)
                .description("per-agent rate-limit buckets held in memory").register(registry);
    }

    /** In this process's memory, on the system clock, bounded to {@link RateLimits#maxAgents} agents per limit. */
    public static RateLimiter inProcess(RateLimits limits, MeterRegistry registry) {
        long maxBuckets = (long) limits.maxAgents() * limits.rates().size();
        return new RateLimiter(limits, AgentBuckets.inProcess(maxBuckets, limits.fillTime(), TimeMeter.SYSTEM_NANOTIME), registry);
    }

    /**
     * Takes {@code units} from the agent's bucket for {@code limit}, or takes nothing and throws
     * {@link RateLimitedException} (429) when there are not enough. A request that asks for more than a full bucket
     * could never pass: 413.
     */
    public Allowance charge(Limit limit, String agentId, boolean admin, long units) {
        long capacity = limits.capacity(limit, admin);
        if (units > capacity) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "this request carries " + units + " " + limit.unit()
                    + "; an agent may send at most " + capacity + " at once (" + limit.setting() + "=" + limits.rate(limit)
                    + ", KYOYU_RATE_BURST=" + limits.burst() + "): split it", Map.of("limit", limit.unit(), "burst", capacity));
        }
        Bandwidth bandwidth = (admin ? adminBuckets : agentBuckets).get(limit);
        // Agent ids cannot contain '/', so a key names one limit of one agent in one tier.
        String key = limit.name() + (admin ? "/admin/" : "/") + agentId;
        ConsumptionProbe probe = buckets.tryConsume(key, bandwidth, units);
        Duration untilFull = Duration.ofNanos(Math.max(0, probe.getNanosToWaitForReset()));
        if (probe.isConsumed()) {
            return new Allowance(limit, capacity, probe.getRemainingTokens(), untilFull, Duration.ZERO);
        }
        refused.get(limit).increment();
        Allowance allowance = new Allowance(limit, capacity, probe.getRemainingTokens(), untilFull,
                Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
        throw new RateLimitedException(agentId, admin ? scaled(limit) : limits.rate(limit), allowance);
    }

    private Rate scaled(Limit limit) {
        Rate rate = limits.rate(limit);
        return new Rate(rate.amount() * limits.adminFactor(), rate.period());
    }

    private Bandwidth configuration(Limit limit, boolean admin) {
        Rate rate = admin ? scaled(limit) : limits.rate(limit);
        return Bandwidth.builder().capacity(limits.capacity(limit, admin)).refillGreedy(rate.amount(), rate.period()).build();
    }
}

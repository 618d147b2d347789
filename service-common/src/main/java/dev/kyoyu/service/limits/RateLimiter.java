package dev.kyoyu.service.limits;

import dev.kyoyu.schemas.identity.Role;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what each identity spends against its limits (one token bucket per identity and limit, sized by its role)
 * and refuses what would go over, so the caller can refuse before doing any work.
 */
public final class RateLimiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private final RateLimits limits;
    private final AgentBuckets buckets;
    private final Map<Limit, Map<Role, Bandwidth>> bandwidths = new EnumMap<>(Limit.class);
    private final Map<Limit, Counter> refused = new EnumMap<>(Limit.class);

    public RateLimiter(RateLimits limits, AgentBuckets buckets, MeterRegistry registry) {
        this.limits = limits;
        this.buckets = buckets;
        limits.rates().forEach((limit, perRole) -> {
            Map<Role, Bandwidth> byRole = new EnumMap<>(Role.class);
            perRole.forEach((role, rate) -> byRole.put(role, Bandwidth.builder().capacity(limits.capacity(limit, role))
                    .refillGreedy(rate.amount(), rate.period()).build()));
            bandwidths.put(limit, byRole);
            refused.put(limit, Counter.builder("kyoyu.rate.limited").tag("limit", limit.unit())
                    .description("requests refused with 429 because the identity was over this limit").register(registry));
        });
        if (!limits.enabled()) {
            LOG.warn("rate limits are off (KYOYU_RATE_LIMITS=off): no identity is limited");
        }
        Gauge.builder("kyoyu.rate.buckets", buckets, AgentBuckets::size)
                .description("per-identity rate-limit buckets held in this process's memory").register(registry);
    }

    /** In this process's memory, on the system clock, bounded to {@link RateLimits#maxAgents} identities per limit. */
    public static RateLimiter inProcess(RateLimits limits, MeterRegistry registry) {
        return new RateLimiter(limits, local(limits), registry);
    }

    /** Shared by every replica through Redis when {@link RateLimits#shared} is set (per process while it is unreachable), else in process. */
    public static RateLimiter create(RateLimits limits, MeterRegistry registry) {
        return limits.shared() == null ? inProcess(limits, registry)
                : new RateLimiter(limits, new RedisBuckets(limits.shared(), local(limits), registry), registry);
    }

    private static AgentBuckets local(RateLimits limits) {
        long maxBuckets = (long) limits.maxAgents() * limits.limitCount() * Role.values().length;
        return AgentBuckets.inProcess(maxBuckets, limits.fillTime(), TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * Takes {@code units} from the identity's bucket for {@code limit}, or takes nothing and throws
     * {@link RateLimitedException} (429) when there are not enough. A request that asks for more than a full bucket
     * could never pass: 413. A role that may spend none of the limit gets a 403 naming the setting.
     */
    public Allowance charge(Limit limit, String agentId, Role role, long units) {
        Bandwidth bandwidth = bandwidths.get(limit).get(role);
        if (bandwidth == null) {
            throw new ApiException(ErrorCode.FORBIDDEN, "role " + role.wireName() + " may spend no " + limit.unit()
                    + " here (" + limit.setting(role) + "=" + RateLimits.NONE + ")", Map.of("role", role.wireName(), "limit", limit.unit()));
        }
        long capacity = limits.capacity(limit, role);
        if (!limits.enabled()) {
            return new Allowance(limit, capacity, capacity, Duration.ZERO, Duration.ZERO);
        }
        Rate rate = limits.rate(limit, role).orElseThrow();
        if (units > capacity) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "this request carries " + units + " " + limit.unit()
                    + "; an identity of role " + role.wireName() + " may send at most " + capacity + " at once ("
                    + limit.setting(role) + "=" + rate + ", KYOYU_RATE_BURST=" + limits.burst() + "): split it",
                    Map.of("limit", limit.unit(), "burst", capacity));
        }
        // Agent ids cannot contain '/', so a key names one limit of one identity in one role (a role change starts afresh).
        String key = limit.name() + "/" + role.wireName() + "/" + agentId;
        ConsumptionProbe probe = buckets.tryConsume(key, bandwidth, units);
        Duration untilFull = Duration.ofNanos(Math.max(0, probe.getNanosToWaitForReset()));
        if (probe.isConsumed()) {
            return new Allowance(limit, capacity, probe.getRemainingTokens(), untilFull, Duration.ZERO);
        }
        refused.get(limit).increment();
        Allowance allowance = new Allowance(limit, capacity, probe.getRemainingTokens(), untilFull,
                Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
        throw new RateLimitedException(agentId, rate, allowance);
    }

    @Override
    public void close() {
        buckets.close();
    }
}

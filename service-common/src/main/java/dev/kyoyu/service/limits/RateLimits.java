package dev.kyoyu.service.limits;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The per-identity rate limits of one service, per role, read once at startup.
 *
 * @param rates     the sustained rate of each limit the service applies, per role; a role missing from a limit's map
 *                  may spend none of it ({@code 0} in the setting: a reader sends no events)
 * @param burst     a bucket holds this many periods' worth of its rate: what an identity that was idle may spend at once
 * @param maxAgents identities tracked at once, per limit, by one process; the memory bound (a bucket takes a few hundred
 *                  bytes). With Redis it bounds the fallback buckets only
 * @param shared    Redis, where the buckets every replica shares live; null: each process has its own
 * @param enabled   {@code KYOYU_RATE_LIMITS=off} counts nothing: only for measuring what counting costs (the ingest
 *                  benchmark's reference run), never for a deployment others share
 */
public record RateLimits(Map<Limit, Map<Role, Rate>> rates, int burst, int maxAgents, RedisSettings shared, boolean enabled) {
    /** The one value that means "none of it": any other rate must be at least 1 per period. */
    public static final String NONE = "0";

    public RateLimits {
        Map<Limit, Map<Role, Rate>> copy = new EnumMap<>(Limit.class);
        rates.forEach((limit, perRole) -> copy.put(limit, Collections.unmodifiableMap(new EnumMap<>(perRole))));
        rates = Collections.unmodifiableMap(copy);
    }

    /** The limits named in {@code defaults} (per role, e.g. {@code 500/s}) and the settings every service shares. */
    public static RateLimits read(EnvReader r, Map<Limit, RoleDefaults> defaults) {
        Map<Limit, Map<Role, Rate>> rates = new EnumMap<>(Limit.class);
        defaults.forEach((limit, perRole) -> {
            Map<Role, Rate> byRole = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                readRate(r, limit.setting(role), perRole.of(role)).ifPresent(rate -> byRole.put(role, rate));
            }
            rates.put(limit, byRole);
        });
        if (r.string("KYOYU_RATE_ADMIN_FACTOR", null) != null) {
            r.problem("KYOYU_RATE_ADMIN_FACTOR is gone: admins have limits of their own, KYOYU_RATE_<LIMIT>_ADMIN");
        }
        return new RateLimits(rates,
                r.integer("KYOYU_RATE_BURST", 2, 1, 60),
                r.integer("KYOYU_RATE_MAX_AGENTS", 10_000, 10, 1_000_000),
                RedisSettings.read(r),
                r.choice("KYOYU_RATE_LIMITS", Switch.class, Switch.ON) == Switch.ON);
    }

    private enum Switch { ON, OFF }

    private static Optional<Rate> readRate(EnvReader r, String name, String defaultValue) {
        String text = r.string(name, defaultValue).trim();
        return NONE.equals(text) ? Optional.empty() : Optional.of(Rate.read(r, name, defaultValue));
    }

    /** The rate of {@code limit} for {@code role}; empty when the role may spend none of it. */
    public Optional<Rate> rate(Limit limit, Role role) {
        Map<Role, Rate> perRole = rates.get(limit);
        if (perRole == null) {
            throw new IllegalArgumentException(limit + " is not configured for this service");
        }
        return Optional.ofNullable(perRole.get(role));
    }

    /** How long the slowest empty bucket of any role takes to fill. */
    public Duration fillTime() {
        return rates.values().stream().flatMap(perRole -> perRole.values().stream())
                .map(rate -> rate.period().multipliedBy(burst)).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Tokens the role's bucket holds when full: the most it can spend at once (0 when it may spend none). */
    public long capacity(Limit limit, Role role) {
        return rate(limit, role).map(rate -> rate.amount() * burst).orElse(0L);
    }

    /** Limits applied by this service. */
    public int limitCount() {
        return rates.size();
    }
}

package dev.kyoyu.service.limits;

import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The per-agent rate limits of one service, read once at startup.
 *
 * @param rates       the sustained rate of each limit the service applies
 * @param burst       a bucket holds this many periods' worth of its rate: what an agent that was idle may spend at once
 * @param adminFactor admin agents get every rate and bucket multiplied by this: they are limited too, only higher
 * @param maxAgents   agents tracked at once, per limit; the memory bound (a bucket takes a few hundred bytes)
 */
public record RateLimits(Map<Limit, Rate> rates, int burst, int adminFactor, int maxAgents) {
    public RateLimits {
        rates = Collections.unmodifiableMap(new EnumMap<>(rates));
    }

    /** The limits named in {@code defaults} (default rates such as {@code 500/s}) and the settings every service shares. */
    public static RateLimits read(EnvReader r, Map<Limit, String> defaults) {
        Map<Limit, Rate> rates = new EnumMap<>(Limit.class);
        defaults.forEach((limit, value) -> rates.put(limit, Rate.read(r, limit.setting(), value)));
        return new RateLimits(rates,
                r.integer("KYOYU_RATE_BURST", 2, 1, 60),
                r.integer("KYOYU_RATE_ADMIN_FACTOR", 10, 1, 1000),
                r.integer("KYOYU_RATE_MAX_AGENTS", 10_000, 10, 1_000_000));
    }

    public Rate rate(Limit limit) {
        Rate rate = rates.get(limit);
        if (rate == null) {
            throw new IllegalArgumentException(limit + " is not configured for this service");
        }
        return rate;
    }

    /** How long the slowest empty bucket takes to fill (admins' fill as fast: both size and rate are scaled). */
    public Duration fillTime() {
        return rates.values().stream().map(rate -> rate.period().multipliedBy(burst)).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Tokens an agent's bucket holds when full: the most it can spend at once. */
    public long capacity(Limit limit, boolean admin) {
        return rate(limit).amount() * burst * (admin ? adminFactor : 1L);
    }
}

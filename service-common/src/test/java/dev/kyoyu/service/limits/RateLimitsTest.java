package dev.kyoyu.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final Map<Limit, RoleDefaults> DEFAULTS = Map.of(
            Limit.QUERIES, new RoleDefaults("6000/m", "60000/m", "6000/m"),
            Limit.INGEST_EVENTS, new RoleDefaults("20000/s", "200000/s", RateLimits.NONE),
            Limit.SEARCHES, new RoleDefaults("600/m", "6000/m", "600/m"));

    @Test
    void readsRatesPerSecondMinuteAndHour() {
        assertEquals(new Rate(500, Duration.ofSeconds(1)), Rate.parse("500/s"));
        assertEquals(new Rate(6000, Duration.ofMinutes(1)), Rate.parse("6000/m"));
        assertEquals(new Rate(3, Duration.ofHours(1)), Rate.parse(" 3/h "));
        assertEquals("6000/m", Rate.parse("6000/m").toString());
    }

    @Test
    void takesTheDefaultsWhenNothingIsSet() {
        EnvReader r = new EnvReader(Map.of());
        RateLimits limits = RateLimits.read(r, DEFAULTS);
        r.finish();
        assertEquals(Optional.of(new Rate(600, Duration.ofMinutes(1))), limits.rate(Limit.SEARCHES, Role.AGENT));
        assertEquals(1200, limits.capacity(Limit.SEARCHES, Role.AGENT), "two minutes' worth by default");
        assertEquals(12_000, limits.capacity(Limit.SEARCHES, Role.ADMIN));
        assertEquals(Optional.empty(), limits.rate(Limit.INGEST_EVENTS, Role.READER), "readers send no events");
        assertEquals(0, limits.capacity(Limit.INGEST_EVENTS, Role.READER));
        assertEquals(null, limits.shared(), "no Redis unless KYOYU_REDIS_URL is set");
        assertTrue(limits.enabled(), "on unless KYOYU_RATE_LIMITS=off");
    }

    @Test
    void eachRoleIsSetByItsOwnSetting() {
        EnvReader r = new EnvReader(Map.of("KYOYU_RATE_QUERIES", "10/s", "KYOYU_RATE_QUERIES_ADMIN", "100/s",
                "KYOYU_RATE_QUERIES_READER", "0", "KYOYU_RATE_SEARCHES_READER", "3/h"));
        RateLimits limits = RateLimits.read(r, DEFAULTS);
        r.finish();
        assertEquals(Optional.of(new Rate(10, Duration.ofSeconds(1))), limits.rate(Limit.QUERIES, Role.AGENT));
        assertEquals(Optional.of(new Rate(100, Duration.ofSeconds(1))), limits.rate(Limit.QUERIES, Role.ADMIN));
        assertEquals(Optional.empty(), limits.rate(Limit.QUERIES, Role.READER));
        assertEquals(Optional.of(new Rate(3, Duration.ofHours(1))), limits.rate(Limit.SEARCHES, Role.READER));
        assertEquals(Optional.of(new Rate(600, Duration.ofMinutes(1))), limits.rate(Limit.SEARCHES, Role.AGENT));
    }

    @Test
    void theAdminFactorIsGoneAndSaysWhatReplacesIt() {
        EnvReader r = new EnvReader(Map.of("KYOYU_RATE_ADMIN_FACTOR", "10"));
        RateLimits.read(r, DEFAULTS);
        ConfigException e = assertThrows(ConfigException.class, r::finish);
        assertTrue(e.getMessage().contains("KYOYU_RATE_<LIMIT>_ADMIN"), e.getMessage());
    }

    @Test
    void readsTheRedisUrlAsASecretAndRefusesOneThatIsNotRedis() {
        EnvReader good = new EnvReader(Map.of("KYOYU_REDIS_URL", "redis://:hunter2@127.0.0.1:6379"));
        RateLimits limits = RateLimits.read(good, DEFAULTS);
        good.finish();
        assertEquals(Duration.ofMillis(250), limits.shared().timeout());
        assertTrue(!limits.toString().contains("hunter2"), limits.toString());
        EnvReader bad = new EnvReader(Map.of("KYOYU_REDIS_URL", "http://:hunter2@x"));
        RateLimits.read(bad, DEFAULTS);
        ConfigException e = assertThrows(ConfigException.class, bad::finish);
        assertTrue(e.getMessage().contains("KYOYU_REDIS_URL") && !e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void hasNoUnlimitedValueAndNamesEveryBadSetting() {
        EnvReader r = new EnvReader(Map.of("KYOYU_RATE_QUERIES", "-1", "KYOYU_RATE_SEARCHES", "0/m", "KYOYU_RATE_BURST", "0",
                "KYOYU_RATE_QUERIES_ADMIN", "unlimited"));
        RateLimits.read(r, DEFAULTS);
        ConfigException e = assertThrows(ConfigException.class, r::finish);
        for (String name : new String[] {"KYOYU_RATE_QUERIES=-1", "KYOYU_RATE_SEARCHES=0/m", "KYOYU_RATE_BURST", "KYOYU_RATE_QUERIES_ADMIN=unlimited"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void refusesUnitsItDoesNotKnow() {
        for (String text : new String[] {"unlimited", "500", "500/d", "5.5/s", "/s", "500/sec"}) {
            assertEquals(null, Rate.parse(text), text);
        }
    }
}

package dev.kyoyu.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final Map<Limit, String> DEFAULTS = Map.of(Limit.QUERIES, "6000/m", Limit.SEARCHES, "600/m");

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
        assertEquals(new Rate(600, Duration.ofMinutes(1)), limits.rate(Limit.SEARCHES));
        assertEquals(1200, limits.capacity(Limit.SEARCHES, false), "two minutes' worth by default");
        assertEquals(12_000, limits.capacity(Limit.SEARCHES, true));
    }

    @Test
    void hasNoWayToSwitchALimitOffAndNamesEveryBadSetting() {
        EnvReader r = new EnvReader(Map.of("KYOYU_RATE_QUERIES", "-1", "KYOYU_RATE_SEARCHES", "0/m", "KYOYU_RATE_BURST", "0"));
        RateLimits.read(r, DEFAULTS);
        ConfigException e = assertThrows(ConfigException.class, r::finish);
        for (String name : new String[] {"KYOYU_RATE_QUERIES=-1", "KYOYU_RATE_SEARCHES=0/m", "KYOYU_RATE_BURST"}) {
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

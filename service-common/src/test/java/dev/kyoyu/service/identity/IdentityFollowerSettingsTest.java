package dev.kyoyu.service.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdentityFollowerSettingsTest {

    private static IdentityFollowerSettings read(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        IdentityFollowerSettings settings = IdentityFollowerSettings.read(r);
        r.finish();
        return settings;
    }

    @Test
    @DisplayName("defaults: the shared identity topic, 200 ms polls, 60 s to load at startup, stale after 30 s")
    void defaults() {
        IdentityFollowerSettings settings = read(Map.of());
        assertEquals(Topics.IDENTITIES, settings.topic());
        assertEquals(Duration.ofMillis(200), settings.pollInterval());
        assertEquals(Duration.ofSeconds(60), settings.startupWait());
        assertEquals(Duration.ofSeconds(30), settings.staleAfter());
    }

    @Test
    @DisplayName("a stale bound shorter than five polls is refused at startup, naming both settings")
    void staleBoundMustCoverSeveralPolls() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("KYOYU_IDENTITY_POLL_INTERVAL", "1s", "KYOYU_IDENTITY_STALE_AFTER", "2s")));
        assertTrue(e.getMessage().contains("KYOYU_IDENTITY_STALE_AFTER") && e.getMessage().contains("KYOYU_IDENTITY_POLL_INTERVAL"),
                e.getMessage());
    }

    @Test
    @DisplayName("a poll interval outside 10ms..5s is refused")
    void pollIntervalIsBounded() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("KYOYU_IDENTITY_POLL_INTERVAL", "1m")));
        assertTrue(e.getMessage().contains("KYOYU_IDENTITY_POLL_INTERVAL=PT1M is outside"), e.getMessage());
    }
}

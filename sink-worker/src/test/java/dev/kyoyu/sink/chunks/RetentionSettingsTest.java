package dev.kyoyu.sink.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {
    private static final Duration RETRY_WINDOW = Duration.ofHours(24);

    private static RetentionSettings read(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        RetentionSettings settings = RetentionSettings.read(r, RETRY_WINDOW);
        r.finish();
        return settings;
    }

    private static String problem(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> read(env)).getMessage();
    }

    @Test
    void keepsEverythingByDefault() {
        RetentionSettings settings = read(Map.of());
        assertFalse(settings.retains());
        assertFalse(settings.compresses());
        assertEquals(Duration.ofHours(1), settings.interval());
    }

    @Test
    void readsRetentionInDays() {
        RetentionSettings settings = read(Map.of("KYOYU_RETENTION", "30d", "KYOYU_COMPRESS_AFTER", "7d"));
        assertTrue(settings.retains());
        assertEquals(Duration.ofDays(30), settings.retention());
        assertEquals(Duration.ofDays(7), settings.compressAfter());
    }

    @Test
    void refusesRetentionShorterThanTheClientRetryWindow() {
        assertTrue(problem(Map.of("KYOYU_RETENTION", "12h")).contains("KYOYU_CLIENT_RETRY_WINDOW"));
    }

    @Test
    void refusesCompressionThatComesAfterTheDrop() {
        assertTrue(problem(Map.of("KYOYU_RETENTION", "7d", "KYOYU_COMPRESS_AFTER", "7d")).contains("KYOYU_COMPRESS_AFTER"));
    }

    @Test
    void refusesAnIntervalOutsideItsBounds() {
        assertTrue(problem(Map.of("KYOYU_RETENTION_INTERVAL", "2d")).contains("KYOYU_RETENTION_INTERVAL"));
        assertTrue(problem(Map.of("KYOYU_RETENTION", "soon")).contains("KYOYU_RETENTION"));
    }
}

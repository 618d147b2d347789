package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        env.put("KYOYU_JWT_SECRET", "jwt-secret-0123456789abcdef0123456789");
        env.put("KYOYU_ID_SECRET", "id-secret-0123456789abcdef0123456789ab");
        return env;
    }

    @Test
    void theIdSecretIsRequiredAndHasNoDefault() {
        Map<String, String> env = env();
        env.remove("KYOYU_ID_SECRET");
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("KYOYU_ID_SECRET"), e.getMessage());
        env.put("KYOYU_ID_SECRET", "short");
        assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
    }

    @Test
    void theRecordLimitDefaultsToKafkasOneMegabyteAndIsBounded() {
        assertEquals(1_048_576, IngestConfig.fromEnv(env()).maxRecordBytes());
        Map<String, String> tiny = env();
        tiny.put("KYOYU_INGEST_MAX_RECORD_BYTES", "100");
        assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(tiny));
    }

    @Test
    void keyRotationOverlapDefaultsToAnHourAndIsNeverNegative() {
        assertEquals(java.time.Duration.ofHours(1), IngestConfig.fromEnv(env()).keyRotationOverlap());
        Map<String, String> zero = env();
        zero.put("KYOYU_KEY_ROTATION_OVERLAP", "0s");
        assertEquals(java.time.Duration.ZERO, IngestConfig.fromEnv(zero).keyRotationOverlap());
        Map<String, String> negative = env();
        negative.put("KYOYU_KEY_ROTATION_OVERLAP", "-PT1M");
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(negative));
        assertTrue(e.getMessage().contains("KYOYU_KEY_ROTATION_OVERLAP"), e.getMessage());
    }
}

package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.testsupport.TestTokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        env.putAll(TestTokens.env());
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

    @Test
    void tokensLiveFiveMinutesByDefaultAndNeverMoreThanAnHour() {
        assertEquals(Duration.ofMinutes(5), IngestConfig.fromEnv(env()).tokenLifetime());
        Map<String, String> shorter = env();
        shorter.put("KYOYU_TOKEN_LIFETIME", "90s");
        assertEquals(Duration.ofSeconds(90), IngestConfig.fromEnv(shorter).tokenLifetime());
        Map<String, String> longer = env();
        longer.put("KYOYU_TOKEN_LIFETIME", "61m");
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(longer));
        assertTrue(e.getMessage().contains("KYOYU_TOKEN_LIFETIME"), e.getMessage());
    }

    @Test
    void theTokenKeysAreRequiredAndNamedWhenMissing() {
        Map<String, String> env = env();
        env.remove(TokenKeys.SIGNING_KEY);
        env.remove(TokenKeys.VERIFY_KEYS);
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(TokenKeys.SIGNING_KEY + " is required"), e.getMessage());
        assertTrue(e.getMessage().contains(TokenKeys.VERIFY_KEYS + " is required"), e.getMessage());
    }

    @Test
    void theSigningKeyMustBeAmongTheVerifyKeys() {
        Map<String, String> env = env();
        env.put(TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.SECOND));
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(TestTokens.PRIMARY.keyId() + ", which is not among " + TokenKeys.VERIFY_KEYS),
                e.getMessage());
    }

    @Test
    void aSigningKeyPairedWithAnotherPublicKeyIsRefused() {
        Map<String, String> env = env();
        // SECOND's public key under PRIMARY's id: the signing key would mint tokens nobody can verify.
        env.put(TokenKeys.VERIFY_KEYS, TestTokens.PRIMARY.keyId() + ":" + TestTokens.SECOND.verifySetting().split(":", 2)[1]);
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("does not match the public key"), e.getMessage());
    }

    @Test
    void aMalformedSigningKeyIsReportedWithoutQuotingIt() {
        Map<String, String> env = env();
        env.put(TokenKeys.SIGNING_KEY, "k1:bm90LWEta2V5LXNlY3JldC1tYXRlcmlhbA==");
        ConfigException e = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(TokenKeys.SIGNING_KEY + " (key id k1) is not a base64 PKCS#8 DER EC private key"),
                e.getMessage());
        assertFalse(e.getMessage().contains("bm90LWEta2V5"), e.getMessage());
    }

    @Test
    void theSigningKeyNeverPrints() {
        String printed = IngestConfig.fromEnv(env()).toString();
        String privateKey = TestTokens.PRIMARY.signingSetting().split(":", 2)[1];
        assertFalse(printed.contains(privateKey.substring(0, 40)), printed);
    }
}

package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.testsupport.TestTokens;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QueryConfig's replica settings and resource bounds: parsed once, every problem reported together. */
class QueryConfigTest {
    private static final String PRIMARY = "jdbc:postgresql://127.0.0.1:55432/kyoyu";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KYOYU_PG_URL", PRIMARY,
                TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY, TestTokens.SECOND),
                "KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void withoutReplicasEveryReadGoesToThePrimary() {
        QueryConfig config = QueryConfig.fromEnv(env());
        assertTrue(config.replicaUrls().isEmpty());
        assertEquals(Duration.ofSeconds(5), config.replicaMaxLag());
    }

    @Test
    void readsCommaSeparatedReplicaUrlsAndTheLagBound() {
        QueryConfig config = QueryConfig.fromEnv(env(
                "KYOYU_QUERY_REPLICA_URLS", " jdbc:postgresql://r1:5432/kyoyu , jdbc:postgresql://r2:5432/kyoyu?ssl=true",
                "KYOYU_QUERY_REPLICA_MAX_LAG", "500ms"));
        assertEquals(List.of("jdbc:postgresql://r1:5432/kyoyu", "jdbc:postgresql://r2:5432/kyoyu?ssl=true"), config.replicaUrls());
        assertEquals(Duration.ofMillis(500), config.replicaMaxLag());
    }

    @Test
    void reportsEveryBadReplicaSettingAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> QueryConfig.fromEnv(env(
                "KYOYU_QUERY_REPLICA_URLS", "jdbc:postgresql://r1/kyoyu,,postgres://user:secret@r2/kyoyu,jdbc:postgresql://r1/kyoyu,"
                        + PRIMARY,
                "KYOYU_QUERY_REPLICA_MAX_LAG", "0s")));
        String message = e.getMessage();
        assertTrue(message.contains("entry 2 is not a jdbc:postgresql:// URL"), message);
        assertTrue(message.contains("entry 3 is not a jdbc:postgresql:// URL"), message);
        assertTrue(message.contains("entry 4 repeats an earlier one"), message);
        assertTrue(message.contains("names the primary"), message);
        assertTrue(message.contains("KYOYU_QUERY_REPLICA_MAX_LAG"), message);
        assertFalse(message.contains("secret"), "a URL may carry a password: " + message);
    }

    @Test
    void boundsQueriesSubscriptionsAndSearchEmbeddingsByDefault() {
        QueryConfig config = QueryConfig.fromEnv(env());
        assertEquals(Duration.ofSeconds(5), config.statementTimeout());
        assertEquals(Duration.ofSeconds(5), config.subscribeGrantRefresh());
        assertEquals(Map.of(Role.AGENT, 5, Role.ADMIN, 50, Role.READER, 5), config.subscribeMaxPerAgent());
        assertEquals(32, config.searchEmbedQueue());
    }

    @Test
    void refusesUnboundedTimeoutsAndRefreshIntervals() {
        ConfigException e = assertThrows(ConfigException.class, () -> QueryConfig.fromEnv(env(
                "KYOYU_QUERY_STATEMENT_TIMEOUT", "0s", "KYOYU_SUBSCRIBE_GRANT_REFRESH", "10m",
                "KYOYU_SUBSCRIBE_MAX_PER_AGENT", "0", "KYOYU_SEARCH_EMBED_QUEUE", "-1")));
        for (String name : List.of("KYOYU_QUERY_STATEMENT_TIMEOUT", "KYOYU_SUBSCRIBE_GRANT_REFRESH", "KYOYU_SUBSCRIBE_MAX_PER_AGENT",
                "KYOYU_SEARCH_EMBED_QUEUE")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void readsSeveralVerifyKeysAndNoSigningKey() {
        QueryConfig config = QueryConfig.fromEnv(env());
        assertEquals(java.util.Set.of(TestTokens.PRIMARY.keyId(), TestTokens.SECOND.keyId()), config.tokenKeys().verify().keySet());
        assertTrue(config.tokenKeys().signing().isEmpty());
    }

    @Test
    void namesEachBadVerifyKeyEntry() {
        ConfigException e = assertThrows(ConfigException.class, () -> QueryConfig.fromEnv(env(
                TokenKeys.VERIFY_KEYS, TestTokens.PRIMARY.verifySetting() + ",no-colon,k2:bm90IGEga2V5," + TestTokens.PRIMARY.verifySetting())));
        String message = e.getMessage();
        assertTrue(message.contains(TokenKeys.VERIFY_KEYS + " entry 2 must be <kid>:<base64 X.509 DER>"), message);
        assertTrue(message.contains(TokenKeys.VERIFY_KEYS + " entry 3 (key id k2) is not a base64 X.509 DER EC public key"), message);
        assertTrue(message.contains(TokenKeys.VERIFY_KEYS + " entry 4 repeats key id " + TestTokens.PRIMARY.keyId()), message);
    }

    @Test
    void theVerifyKeysAreRequired() {
        Map<String, String> env = env();
        env.remove(TokenKeys.VERIFY_KEYS);
        ConfigException e = assertThrows(ConfigException.class, () -> QueryConfig.fromEnv(env));
        assertTrue(e.getMessage().contains(TokenKeys.VERIFY_KEYS + " is required"), e.getMessage());
    }

    @Test
    void aVerifyKeyOnAnotherCurveIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        String p384 = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        ConfigException e = assertThrows(ConfigException.class, () -> QueryConfig.fromEnv(env(TokenKeys.VERIFY_KEYS, "big:" + p384)));
        assertTrue(e.getMessage().contains(TokenKeys.VERIFY_KEYS + " entry 1 (key id big) is not a P-256 key"), e.getMessage());
    }
}

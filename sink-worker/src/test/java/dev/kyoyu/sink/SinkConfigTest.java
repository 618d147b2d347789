package dev.kyoyu.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
                "KYOYU_PG_URL", "jdbc:postgresql://127.0.0.1:5432/kyoyu"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void theDatabasePasswordIsASecretThatTheConfigNeverPrints() {
        SinkConfig config = SinkConfig.fromEnv(env("KYOYU_PG_PASSWORD", "pg-password-0123456789"));
        assertEquals("pg-password-0123456789", config.database().password().orElseThrow().reveal());
        assertFalse(config.toString().contains("pg-password-0123456789"), config.toString());
    }

    @Test
    void metricsStayOnTheMainPortUnlessAManagementPortIsSet() {
        assertFalse(SinkConfig.fromEnv(env()).management().separate());
        assertEquals(18099, SinkConfig.fromEnv(env("KYOYU_SINK_MANAGEMENT_PORT", "18099")).management().port());
        ConfigException e = assertThrows(ConfigException.class, () -> SinkConfig.fromEnv(env("KYOYU_SINK_MANAGEMENT_PORT", "http")));
        assertTrue(e.getMessage().contains("KYOYU_SINK_MANAGEMENT_PORT"), e.getMessage());
    }

    @Test
    void aSilentWorkerLosesItsPartitionsAfterTenSecondsUnlessConfigured() {
        assertEquals(Duration.ofSeconds(10), SinkConfig.fromEnv(env()).sessionTimeout());
        assertEquals(Duration.ofSeconds(45), SinkConfig.fromEnv(env("KYOYU_SINK_SESSION_TIMEOUT", "45s")).sessionTimeout());
    }

    @Test
    void batchesGrowToFiveThousandWhileBehindUnlessConfiguredAndNeverBelowTheBatchSize() {
        assertEquals(5000, SinkConfig.fromEnv(env()).batchCatchUpMaxEvents());
        assertEquals(20_000, SinkConfig.fromEnv(env("KYOYU_SINK_BATCH_MAX_EVENTS", "20000")).batchCatchUpMaxEvents());
        assertEquals(1000, SinkConfig.fromEnv(env("KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS", "1000")).batchCatchUpMaxEvents());
        ConfigException e = assertThrows(ConfigException.class, () -> SinkConfig.fromEnv(
                env("KYOYU_SINK_BATCH_MAX_EVENTS", "2000", "KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS", "1000")));
        assertTrue(e.getMessage().contains("KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS=1000 is below KYOYU_SINK_BATCH_MAX_EVENTS=2000"),
                e.getMessage());
    }

    @Test
    void aSessionTimeoutTheBrokerWouldRefuseIsAStartupErrorNamingTheSetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SinkConfig.fromEnv(env("KYOYU_SINK_SESSION_TIMEOUT", "2s", "KYOYU_SINK_BATCH_MAX_EVENTS", "0")));
        assertTrue(e.getMessage().contains("KYOYU_SINK_SESSION_TIMEOUT must be between 6s and 30m"), e.getMessage());
        assertTrue(e.getMessage().contains("KYOYU_SINK_BATCH_MAX_EVENTS"), "every problem at once: " + e.getMessage());
    }

    @Test
    void storageIsMeasuredEveryMinuteUnlessConfiguredWithinOneSecondToOneHour() {
        assertEquals(Duration.ofSeconds(60), SinkConfig.fromEnv(env()).storageMetricsInterval());
        assertEquals(Duration.ofSeconds(5), SinkConfig.fromEnv(env("KYOYU_STORAGE_METRICS_INTERVAL", "5s")).storageMetricsInterval());
        ConfigException e = assertThrows(ConfigException.class, () -> SinkConfig.fromEnv(env("KYOYU_STORAGE_METRICS_INTERVAL", "100ms")));
        assertTrue(e.getMessage().contains("KYOYU_STORAGE_METRICS_INTERVAL must be between 1s and 1h"), e.getMessage());
    }

    @Test
    void theIdentitiesLoopIsOffUnlessAskedForAndHasItsOwnGroup() {
        SinkConfig defaults = SinkConfig.fromEnv(env());
        assertEquals(false, defaults.sinkIdentities());
        assertEquals("kyoyu.identities.v1", defaults.identitiesTopic());
        assertEquals("kyoyu-sink.identities", defaults.identitiesConsumerGroup());
        SinkConfig set = SinkConfig.fromEnv(env("KYOYU_SINK_IDENTITIES", "true", "KYOYU_SINK_GROUP", "g",
                "KYOYU_IDENTITIES_TOPIC", "t.identities", "KYOYU_SINK_IDENTITIES_GROUP", "g.ids"));
        assertEquals(true, set.sinkIdentities());
        assertEquals("t.identities", set.identitiesTopic());
        assertEquals("g.ids", set.identitiesConsumerGroup());
        assertEquals("g.identities", SinkConfig.fromEnv(env("KYOYU_SINK_GROUP", "g")).identitiesConsumerGroup());
        ConfigException e = assertThrows(ConfigException.class,
                () -> SinkConfig.fromEnv(env("KYOYU_SINK_GROUP", "g", "KYOYU_SINK_IDENTITIES_GROUP", "g.decisions")));
        assertTrue(e.getMessage().contains("KYOYU_SINK_IDENTITIES_GROUP=g.decisions"), e.getMessage());
    }
}

package dev.kyoyu.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamConfigTest {
    @Test
    void defaultsFollowTheContract() {
        StreamConfig config = StreamConfig.fromEnv(Map.of("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"));
        assertEquals(8079, config.port());
        assertEquals("kyoyu.events.v1", config.eventsTopic());
        assertEquals("kyoyu.decisions.v1", config.decisionsTopic());
        assertEquals("kyoyu.conflicts.v1", config.conflictsTopic());
        assertEquals("kyoyu.decisions.rejected.v1", config.rejectedTopic());
        assertEquals(Duration.ofHours(1), config.conflictWindow());
        assertEquals(6, config.topicPartitions());
    }

    @Test
    void reportsEveryProblemAndRefusesARetentionShorterThanTheWindow() {
        ConfigException e = assertThrows(ConfigException.class, () -> StreamConfig.fromEnv(Map.of(
                "KYOYU_STREAM_PORT", "70000", "KYOYU_CONFLICT_WINDOW", "soon")));
        assertTrue(e.getMessage().contains("KYOYU_KAFKA_BOOTSTRAP") && e.getMessage().contains("KYOYU_STREAM_PORT")
                && e.getMessage().contains("KYOYU_CONFLICT_WINDOW"), e.getMessage());

        ConfigException retention = assertThrows(ConfigException.class, () -> StreamConfig.fromEnv(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", "x:1", "KYOYU_CONFLICT_WINDOW", "2h", "KYOYU_CONFLICT_RETENTION", "1h")));
        assertTrue(retention.getMessage().contains("KYOYU_CONFLICT_RETENTION"), retention.getMessage());
    }
}

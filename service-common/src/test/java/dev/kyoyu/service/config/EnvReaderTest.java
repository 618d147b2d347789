package dev.kyoyu.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderTest {
    @Test
    void reportsEveryProblemAtOnce() {
        EnvReader reader = new EnvReader(Map.of("PORT", "http", "WAIT", "soon", "SECRET", "short"));
        reader.port("PORT", 8080);
        reader.duration("WAIT", Duration.ofSeconds(1));
        reader.requiredSecret("SECRET");
        reader.required("MISSING", "x");
        ConfigException e = assertThrows(ConfigException.class, reader::finish);
        for (String name : new String[] {"PORT", "WAIT", "SECRET", "MISSING"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void secretsNeverPrint() {
        EnvReader reader = new EnvReader(Map.of("SECRET", "0123456789abcdef0123456789abcdef"));
        assertEquals("[REDACTED]", reader.requiredSecret("SECRET").toString());
        reader.finish();
    }

    @Test
    void readsDurationsInShortAndIsoForm() {
        EnvReader reader = new EnvReader(Map.of("A", "100ms", "B", "5s", "C", "PT0.5S", "D", "2m", "E", "30d"));
        assertEquals(Duration.ofMillis(100), reader.duration("A", Duration.ZERO));
        assertEquals(Duration.ofSeconds(5), reader.duration("B", Duration.ZERO));
        assertEquals(Duration.ofMillis(500), reader.duration("C", Duration.ZERO));
        assertEquals(Duration.ofMinutes(2), reader.duration("D", Duration.ZERO));
        assertEquals(Duration.ofDays(30), reader.duration("E", Duration.ZERO));
        assertEquals(Duration.ofSeconds(9), reader.duration("UNSET", Duration.ofSeconds(9)));
        reader.finish();
    }

    @Test
    void rejectsIntegersOutOfRange() {
        EnvReader reader = new EnvReader(Map.of("N", "0"));
        reader.integer("N", 5, 1, 10);
        assertThrows(ConfigException.class, reader::finish);
    }
}

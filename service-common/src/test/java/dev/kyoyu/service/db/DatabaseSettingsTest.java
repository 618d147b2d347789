package dev.kyoyu.service.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    private static final String PASSWORD = "s3cret-0123456789abcdef";

    private static DatabaseSettings read(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        DatabaseSettings settings = DatabaseSettings.read(r);
        r.finish();
        return settings;
    }

    @Test
    @DisplayName("the password is a secret: toString shows neither it nor a password in the URL's query string")
    void toStringHidesThePassword() {
        DatabaseSettings settings = read(Map.of("KYOYU_PG_URL", "jdbc:postgresql://db:5432/kyoyu?password=" + PASSWORD,
                "KYOYU_PG_USER", "writer", "KYOYU_PG_PASSWORD", PASSWORD));
        assertEquals(PASSWORD, settings.password().orElseThrow().reveal());
        assertFalse(settings.toString().contains(PASSWORD), settings.toString());
        assertTrue(settings.toString().contains("jdbc:postgresql://db:5432/kyoyu"), settings.toString());
        assertTrue(settings.toString().contains("[REDACTED]"), settings.toString());
    }

    @Test
    @DisplayName("one default per setting: user kyoyu and no password; the URL is required")
    void defaults() {
        DatabaseSettings settings = read(Map.of("KYOYU_PG_URL", "jdbc:postgresql://db/kyoyu"));
        assertEquals(DatabaseSettings.DEFAULT_USER, settings.user());
        assertTrue(settings.password().isEmpty());
        ConfigException missing = assertThrows(ConfigException.class, () -> read(Map.of()));
        assertTrue(missing.getMessage().contains("KYOYU_PG_URL is required"), missing.getMessage());
    }

    @Test
    @DisplayName("a replica's settings keep the login and take the other URL")
    void withUrlKeepsTheLogin() {
        DatabaseSettings replica = read(Map.of("KYOYU_PG_URL", "jdbc:postgresql://primary/kyoyu", "KYOYU_PG_PASSWORD", PASSWORD))
                .withUrl("jdbc:postgresql://replica/kyoyu");
        assertEquals("jdbc:postgresql://replica/kyoyu", replica.url());
        assertEquals(PASSWORD, replica.password().orElseThrow().reveal());
    }

    @Test
    @DisplayName("the factory's pool logs in with the settings, and its own description leaves the password out")
    void poolFromSettings() {
        DatabaseSettings settings = read(Map.of("KYOYU_PG_URL", "jdbc:postgresql://127.0.0.1:1/kyoyu", "KYOYU_PG_PASSWORD", PASSWORD));
        try (HikariDataSource pool = DatabasePools.open(settings, "settings-test", 2)) {
            assertEquals(PASSWORD, pool.getPassword());
            assertEquals("settings-test", pool.getPoolName());
            assertEquals(2, pool.getMaximumPoolSize());
            assertFalse(pool.toString().contains(PASSWORD), pool.toString());
        }
    }
}

package dev.kyoyu.query.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadScopeTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(60);

    private static ReadScope scope(boolean own, Instant clock) {
        return new ReadScope("me", false, own, Map.of("open", Instant.MAX, "until-later", LATER), Clock.fixed(clock, ZoneOffset.UTC));
    }

    @Test
    void aGrantCountsUntilItsExpiryAndNotFromIt() {
        ReadScope scope = scope(true, NOW);
        assertTrue(scope.canReadAt("until-later", LATER.minusNanos(1)));
        assertFalse(scope.canReadAt("until-later", LATER));
        assertTrue(scope.canReadAt("open", LATER.plusSeconds(1_000_000)));
        assertEquals(Set.of("me", "open", "until-later"), scope.agents());
        assertEquals(Set.of("me", "open"), scope(true, LATER).agents());
    }

    @Test
    void aReaderHasNoOwnDataAndAnAdminReadsEveryone() {
        ReadScope reader = scope(false, NOW);
        assertFalse(reader.canRead("me"));
        assertEquals(Set.of("open", "until-later"), reader.agents());
        ApiException refused = assertThrows(ApiException.class, () -> reader.requireReadable(List.of("me"), "agent_id"));
        assertTrue(refused.getMessage().contains("a reader reads only what it was granted"), refused.getMessage());
        assertTrue(ReadScope.everyone("ops").canRead("anyone"));
    }

    @Test
    void anExpiredGrantIsRefusedNamingWhenItExpired() {
        ApiException refused = assertThrows(ApiException.class, () -> scope(true, LATER).requireReadable(List.of("until-later"), "agent_id"));
        assertTrue(refused.getMessage().contains("expired at " + LATER), refused.getMessage());
    }
}

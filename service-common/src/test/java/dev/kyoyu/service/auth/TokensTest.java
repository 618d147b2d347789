package dev.kyoyu.service.auth;

import dev.kyoyu.schemas.identity.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensTest {
    private static final Secret SECRET = new Secret("0123456789abcdef0123456789abcdef");
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void verifiesWhatItIssued() {
        Tokens tokens = new Tokens(SECRET, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
        Tokens.Issued issued = tokens.issue(new Caller("agent-a", Role.ADMIN));
        assertEquals(NOW.plus(Duration.ofHours(1)), issued.expiresAt());
        assertEquals(Optional.of(new Caller("agent-a", Role.ADMIN)), tokens.verify(issued.token()));
    }

    @Test
    void refusesExpiredForgedAndGarbageTokens() {
        Tokens issuer = new Tokens(SECRET, Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC));
        String token = issuer.issue(new Caller("agent-a", Role.AGENT)).token();

        Tokens later = new Tokens(SECRET, Duration.ofMinutes(1), Clock.fixed(NOW.plus(Duration.ofMinutes(2)), ZoneOffset.UTC));
        assertFalse(later.verify(token).isPresent(), "expired");

        Tokens otherKey = new Tokens(new Secret("ffffffffffffffffffffffffffffffff"), Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC));
        assertFalse(otherKey.verify(token).isPresent(), "signed with another secret");
        assertFalse(issuer.verify("not.a.token").isPresent());
    }

    @Test
    void aTokenVerifiedBeforeStillExpires() {
        MutableClock clock = new MutableClock(NOW);
        Tokens tokens = new Tokens(SECRET, Duration.ofMinutes(1), clock);
        String token = tokens.issue(new Caller("agent-a", Role.AGENT)).token();
        assertEquals(Optional.of(new Caller("agent-a", Role.AGENT)), tokens.verify(token));
        clock.now = NOW.plusSeconds(59);
        assertEquals(Optional.of(new Caller("agent-a", Role.AGENT)), tokens.verify(token), "remembered, still valid");
        clock.now = NOW.plusSeconds(61);
        assertFalse(tokens.verify(token).isPresent(), "remembered, but expired");
        clock.now = NOW;
        assertTrue(tokens.verify(token).isPresent(), "checked afresh once forgotten");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

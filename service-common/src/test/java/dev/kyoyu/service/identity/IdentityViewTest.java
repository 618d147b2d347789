package dev.kyoyu.service.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.schemas.identity.RoleRecord;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.service.auth.TokenClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdentityViewTest {
    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofMinutes(10));

    private final IdentityView view = new IdentityView();

    private static TokenClaims token(String agent, Role role, String keyId, Instant issuedAt) {
        return new TokenClaims("jti-1", agent, role, keyId, "sig-1", Set.of(Audience.INGEST, Audience.QUERY), issuedAt,
                issuedAt.plus(Duration.ofMinutes(5)));
    }

    private static AgentRecord agent(String id, Role role, boolean revoked, Instant tokensNotBefore) {
        return new AgentRecord(id, role, revoked, T0, tokensNotBefore, tokensNotBefore, "admin");
    }

    private static ApiKeyRecord key(String keyId, String agent, Instant expiresAt, Instant revokedAt) {
        return new ApiKeyRecord(keyId, agent, "00".repeat(32), T0, expiresAt, revokedAt);
    }

    @Test
    @DisplayName("a token of an agent, key and role the view has heard nothing against is admitted")
    void currentTokenIsAdmitted() {
        view.apply(agent("a1", Role.AGENT, false, T0));
        view.apply(key("k1", "a1", null, null));
        view.apply(new RoleRecord(Role.AGENT, T0, T0, "admin"));
        assertEquals(Optional.empty(), view.refusal(token("a1", Role.AGENT, "k1", T0.plusSeconds(60)), NOW));
    }

    @Test
    @DisplayName("a token of an agent the view never heard of is judged by its signature alone")
    void unknownAgentIsAdmitted() {
        assertEquals(Optional.empty(), view.refusal(token("stranger", Role.READER, "k9", T0), NOW));
    }

    @Test
    @DisplayName("every token of a revoked agent is refused, whenever it was issued")
    void revokedAgentIsRefused() {
        view.apply(agent("a1", Role.AGENT, true, T0));
        Optional<String> refusal = view.refusal(token("a1", Role.AGENT, "k1", T0.plusSeconds(300)), NOW);
        assertTrue(refusal.orElseThrow().contains("revoked"), refusal::toString);
    }

    @Test
    @DisplayName("a token carrying a role the agent no longer has is refused")
    void changedRoleIsRefused() {
        view.apply(agent("a1", Role.READER, false, T0));
        Optional<String> refusal = view.refusal(token("a1", Role.AGENT, "k1", T0.plusSeconds(60)), NOW);
        assertTrue(refusal.orElseThrow().contains("role"), refusal::toString);
        assertEquals(Optional.empty(), view.refusal(token("a1", Role.READER, "k1", T0.plusSeconds(60)), NOW));
    }

    @Test
    @DisplayName("a token issued before the agent's tokensNotBefore is refused, one issued after is not")
    void agentTokensNotBeforeIsHonoured() {
        Instant floor = T0.plusSeconds(120);
        view.apply(agent("a1", Role.AGENT, false, floor));
        assertTrue(view.refusal(token("a1", Role.AGENT, "k1", floor.minusSeconds(1)), NOW).isPresent());
        assertEquals(Optional.empty(), view.refusal(token("a1", Role.AGENT, "k1", floor), NOW));
    }

    @Test
    @DisplayName("a token traded for a revoked API key is refused")
    void revokedKeyIsRefused() {
        view.apply(key("k1", "a1", null, T0.plusSeconds(1)));
        Optional<String> refusal = view.refusal(token("a1", Role.AGENT, "k1", T0.plusSeconds(60)), NOW);
        assertTrue(refusal.orElseThrow().contains("API key"), refusal::toString);
    }

    @Test
    @DisplayName("a token traded for a rotated key is admitted during the overlap and refused once it ends")
    void rotatedKeyIsRefusedAfterItsOverlap() {
        Instant overlapEnds = NOW.plusSeconds(30);
        view.apply(key("k1", "a1", overlapEnds, null));
        TokenClaims claims = token("a1", Role.AGENT, "k1", T0.plusSeconds(60));
        assertEquals(Optional.empty(), view.refusal(claims, NOW));
        assertTrue(view.refusal(claims, overlapEnds).isPresent());
    }

    @Test
    @DisplayName("a token issued before its role's tokensNotBefore is refused; other roles are untouched")
    void roleFloorIsHonoured() {
        Instant floor = T0.plusSeconds(120);
        view.apply(new RoleRecord(Role.READER, floor, floor, "admin"));
        Optional<String> refusal = view.refusal(token("r1", Role.READER, "k1", floor.minusSeconds(1)), NOW);
        assertTrue(refusal.orElseThrow().contains("role reader"), refusal::toString);
        assertEquals(Optional.empty(), view.refusal(token("r1", Role.READER, "k1", floor.plusSeconds(1)), NOW));
        assertEquals(Optional.empty(), view.refusal(token("a1", Role.AGENT, "k2", floor.minusSeconds(1)), NOW));
    }

    @Test
    @DisplayName("a later record of the same key replaces the earlier one: a reinstated agent is admitted again")
    void laterRecordWins() {
        view.apply(agent("a1", Role.AGENT, true, T0));
        view.apply(agent("a1", Role.AGENT, false, T0.plusSeconds(60)));
        assertEquals(Optional.empty(), view.refusal(token("a1", Role.AGENT, "k1", T0.plusSeconds(61)), NOW));
    }

    @Test
    @DisplayName("a token without a key id or issue time is judged by the rules that apply to it, without failing")
    void missingClaimsDoNotFail() {
        view.apply(key("k1", "a1", null, T0));
        view.apply(new RoleRecord(Role.AGENT, T0, T0, "admin"));
        TokenClaims claims = new TokenClaims(null, "a1", Role.AGENT, null, null, Set.of(), null, null);
        // No issue time is treated as the oldest possible: a role floor refuses it.
        assertTrue(view.refusal(claims, NOW).isPresent());
    }
}

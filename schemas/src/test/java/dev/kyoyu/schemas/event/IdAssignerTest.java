package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdAssignerTest {
    private static final IdKey SECRET = new IdKey("first-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));
    private static final IdKey OTHER_SECRET = new IdKey("other-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8));

    private static UUID id(IdKey secret, String agent, String scope, String key, String part) {
        return IdAssigner.fromIdempotencyKey(secret, agent, scope, key).idFor(part);
    }

    @Test
    void sameKeySameRequestGivesTheSameIdsOnAnyReplica() {
        // Two assigners built separately stand for two replicas sharing the secret.
        IdAssigner first = IdAssigner.fromIdempotencyKey(SECRET, "agent-a", "POST /v1/runs/r1/events", "key-1");
        IdAssigner retry = IdAssigner.fromIdempotencyKey(
                new IdKey("first-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8)), "agent-a", "POST /v1/runs/r1/events", "key-1");
        assertEquals(first.idFor("0"), retry.idFor("0"));
        assertEquals(first.idFor("7"), retry.idFor("7"));
        assertEquals(first.idFor("7"), first.idFor("7"), "asking twice changes nothing");
        assertNotEquals(first.idFor("0"), first.idFor("1"));
        assertEquals(IdOrigin.IDEMPOTENCY_KEY, first.origin());
    }

    @Test
    void keysAreScopedByAgentRequestKeyAndSecret() {
        UUID base = id(SECRET, "agent-a", "POST /v1/runs/r1/events", "k", "0");
        assertNotEquals(base, id(SECRET, "agent-b", "POST /v1/runs/r1/events", "k", "0"));
        assertNotEquals(base, id(SECRET, "agent-a", "POST /v1/runs/r2/events", "k", "0"));
        assertNotEquals(base, id(SECRET, "agent-a", "POST /v1/runs/r1/events", "k2", "0"));
        assertNotEquals(base, id(OTHER_SECRET, "agent-a", "POST /v1/runs/r1/events", "k", "0"));
    }

    @Test
    void partsCannotBeShiftedIntoEachOther() {
        assertNotEquals(id(SECRET, "a", "b\nc", "k", "0"), id(SECRET, "a\nb", "c", "k", "0"));
    }

    @Test
    void derivedIdsAreVersion8WithTheRfcVariant() {
        UUID id = id(SECRET, "agent-a", "POST /v1/runs", "k", "run");
        assertEquals(8, id.version());
        assertEquals(2, id.variant());
    }

    @Test
    void withoutAKeyIdsAreFreshUuidV7() {
        IdAssigner server = IdAssigner.server();
        assertNotEquals(server.idFor("0"), server.idFor("0"));
        assertEquals(7, server.idFor("0").version());
        assertEquals(IdOrigin.SERVER, server.origin());
    }
}

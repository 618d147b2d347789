package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class IdAssignerTest {
    @Test
    void sameKeySameRequestGivesTheSameIdsOnAnyReplica() {
        IdAssigner first = IdAssigner.fromIdempotencyKey("agent-a", "POST /v1/runs/r1/events", "key-1");
        IdAssigner retry = IdAssigner.fromIdempotencyKey("agent-a", "POST /v1/runs/r1/events", "key-1");
        assertEquals(first.idFor("0"), retry.idFor("0"));
        assertEquals(first.idFor("7"), retry.idFor("7"));
        assertNotEquals(first.idFor("0"), first.idFor("1"));
        assertEquals(IdOrigin.IDEMPOTENCY_KEY, first.origin());
    }

    @Test
    void keysAreScopedByAgentAndRequest() {
        var base = IdAssigner.fromIdempotencyKey("agent-a", "POST /v1/runs/r1/events", "k").idFor("0");
        assertNotEquals(base, IdAssigner.fromIdempotencyKey("agent-b", "POST /v1/runs/r1/events", "k").idFor("0"));
        assertNotEquals(base, IdAssigner.fromIdempotencyKey("agent-a", "POST /v1/runs/r2/events", "k").idFor("0"));
        assertNotEquals(base, IdAssigner.fromIdempotencyKey("agent-a", "POST /v1/runs/r1/events", "k2").idFor("0"));
    }

    @Test
    void withoutAKeyIdsAreFreshUuidV7() {
        IdAssigner server = IdAssigner.server();
        assertNotEquals(server.idFor("0"), server.idFor("0"));
        assertEquals(7, server.idFor("0").version());
        assertEquals(IdOrigin.SERVER, server.origin());
    }
}

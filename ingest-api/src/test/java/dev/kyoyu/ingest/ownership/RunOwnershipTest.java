package dev.kyoyu.ingest.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.IdAssigner;
import dev.kyoyu.schemas.event.IdKey;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunOwnershipTest {
    private static IdKey key(String secret) {
        return new IdKey(secret.getBytes(StandardCharsets.UTF_8));
    }

    private final RunOwnership ownership = new RunOwnership(key("run-ownership-test-secret-0123456789abcdef"));

    @Test
    void aNewRunIdIsATimeOrderedUuidOwnedByItsAgentOnly() {
        UUID run = ownership.newRunId("agent-a");
        assertEquals(7, run.version());
        assertEquals(2, run.variant());
        assertTrue(ownership.owns("agent-a", run));
        assertFalse(ownership.owns("agent-b", run));
        assertFalse(ownership.owns("agent-a", UUID.randomUUID()), "an id not made here is nobody's");
    }

    @Test
    void anotherReplicaWithTheSameSecretVerifiesItAndOneWithAnotherSecretDoesNot() {
        UUID run = ownership.newRunId("agent-a");
        assertTrue(new RunOwnership(key("run-ownership-test-secret-0123456789abcdef")).owns("agent-a", run));
        assertFalse(new RunOwnership(key("another-secret-entirely-0123456789abcdef")).owns("agent-a", run));
    }

    @Test
    void changingAnyBitOfTheTaggedIdBreaksTheTag() {
        UUID run = ownership.newRunId("agent-a");
        assertFalse(ownership.owns("agent-a", new UUID(run.getMostSignificantBits() ^ 1L, run.getLeastSignificantBits())));
        assertFalse(ownership.owns("agent-a", new UUID(run.getMostSignificantBits(), run.getLeastSignificantBits() ^ 1L)));
    }

    @Test
    void manyRunsStartedAtOnceGetDistinctIds() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(ownership.newRunId("agent-a"));
        }
        assertEquals(100_000, ids.size());
    }

    @Test
    void aRunIdDerivedFromAnIdempotencyKeyIsTaggedAndRepeatsForTheSameRequest() {
        IdKey secret = key("run-ownership-test-secret-0123456789abcdef");
        UUID first = ownership.tag(IdAssigner.fromIdempotencyKey(secret, "agent-a", "POST /v1/runs", "k").idFor("run"), "agent-a");
        UUID retry = ownership.tag(IdAssigner.fromIdempotencyKey(secret, "agent-a", "POST /v1/runs", "k").idFor("run"), "agent-a");
        assertEquals(first, retry);
        assertTrue(ownership.owns("agent-a", first));
        UUID otherAgent = ownership.tag(IdAssigner.fromIdempotencyKey(secret, "agent-b", "POST /v1/runs", "k").idFor("run"), "agent-b");
        assertNotEquals(first, otherAgent);
        assertFalse(ownership.owns("agent-b", first));
    }
}

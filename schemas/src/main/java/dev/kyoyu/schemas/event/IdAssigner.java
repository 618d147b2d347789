package dev.kyoyu.schemas.event;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import java.util.UUID;

/**
 * Assigns the ids a request did not bring. Without an Idempotency-Key: fresh UUIDv7s. With one: a
 * name-based UUID of (agent, request scope, key, part), so the same request repeated, to any ingest-api
 * replica, yields the same ids and the sink stores it once. No shared state between replicas.
 */
public final class IdAssigner {
    private static final NameBasedGenerator NAME_BASED =
            Generators.nameBasedGenerator(UUID.fromString("5b0e3f8e-6f1e-4c1b-9a57-6b796f79752e"));

    private final String prefix;

    private IdAssigner(String prefix) {
        this.prefix = prefix;
    }

    public static IdAssigner server() {
        return new IdAssigner(null);
    }

    /**
     * @param scope what the request does, e.g. {@code "POST /v1/runs/<id>/events"}: one key may be reused
     *              for a different request without colliding
     */
    public static IdAssigner fromIdempotencyKey(String agentId, String scope, String key) {
        return new IdAssigner(agentId + "\n" + scope + "\n" + key + "\n");
    }

    /** The id for one part of the request (an event's index, or a name such as "run"). */
    public UUID idFor(String part) {
        return prefix == null ? EventIds.newId() : NAME_BASED.generate(prefix + part);
    }

    public IdOrigin origin() {
        return prefix == null ? IdOrigin.SERVER : IdOrigin.IDEMPOTENCY_KEY;
    }
}

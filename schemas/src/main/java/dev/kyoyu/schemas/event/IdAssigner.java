package dev.kyoyu.schemas.event;

import javax.crypto.Mac;
import java.util.UUID;

/**
 * Assigns the ids a request did not bring. Without an Idempotency-Key: fresh UUIDv7s. With one: a version 8
 * UUID from HMAC-SHA256(id secret; agent, request scope, key, part), so the same request repeated, to any
 * ingest-api replica sharing the secret, yields the same ids and the sink stores it once; and no other agent,
 * nor anyone without the secret, can compute (and so occupy first) the ids a request will get.
 */
public final class IdAssigner {
    /** Keyed with the secret and fed with agent, scope and key; cloned per id. Null without a key. */
    private final Mac prefix;

    private IdAssigner(Mac prefix) {
        this.prefix = prefix;
    }

    public static IdAssigner server() {
        return new IdAssigner(null);
    }

    /**
     * @param scope what the request does, e.g. {@code "POST /v1/runs/<id>/events"}: one key may be reused
     *              for a different request without colliding
     */
    public static IdAssigner fromIdempotencyKey(IdKey secret, String agentId, String scope, String key) {
        Mac mac = secret.mac();
        IdKey.update(mac, "idempotency-key");
        IdKey.update(mac, agentId);
        IdKey.update(mac, scope);
        IdKey.update(mac, key);
        return new IdAssigner(mac);
    }

    /** The id for one part of the request (an event's index, or a name such as "run"). */
    public UUID idFor(String part) {
        if (prefix == null) {
            return EventIds.newId();
        }
        Mac mac;
        try {
            mac = (Mac) prefix.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
        IdKey.update(mac, part);
        return IdKey.uuidV8(mac.doFinal());
    }

    public IdOrigin origin() {
        return prefix == null ? IdOrigin.SERVER : IdOrigin.IDEMPOTENCY_KEY;
    }
}

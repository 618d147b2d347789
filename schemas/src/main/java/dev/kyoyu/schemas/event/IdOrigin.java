package dev.kyoyu.schemas.event;

/**
 * Who chose an event's id. Server-assigned UUIDv7 ids are unique by construction; ids from a client
 * or derived from an Idempotency-Key can arrive again on a retry, so the sink checks those for a copy
 * already stored, even when the retry got a different server time (and so another occurred_at).
 */
public enum IdOrigin {
    SERVER,
    CLIENT,
    IDEMPOTENCY_KEY;

    public boolean mayRepeat() {
        return this != SERVER;
    }
}

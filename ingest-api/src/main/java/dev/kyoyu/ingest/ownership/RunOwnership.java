package dev.kyoyu.ingest.ownership;

import dev.kyoyu.schemas.event.IdKey;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;

/**
 * Who owns a run, known from the run id alone. Ingest must stay stateless and keep answering while
 * PostgreSQL is down, so it cannot look a run up; an ownership view followed from a Kafka topic would make
 * every replica replay all runs at start and still race a run started a moment ago on another replica.
 * Instead a run id carries a keyed tag of its owner: its last 48 bits are the first 6 bytes of
 * HMAC-SHA256(KYOYU_ID_SECRET; "run", agent id, the id's first 10 bytes). Any replica with the secret
 * verifies it in microseconds; without the secret a tag for another agent's run cannot be made, only
 * guessed (one chance in 2^48 per request).
 *
 * <p>The first 10 bytes of a new run id are a UUIDv7 prefix (48-bit millisecond time, version, variant) whose
 * 26 remaining bits are random at each new millisecond and counted up within one, so one replica never
 * repeats a prefix (the tag of a repeated prefix would repeat too). A run id derived from an Idempotency-Key
 * keeps its keyed prefix and is tagged the same way.
 */
public final class RunOwnership {
    private static final int TAG_BYTES = 6;

    private final IdKey key;
    private final TimePrefixes prefixes = new TimePrefixes();

    public RunOwnership(IdKey key) {
        this.key = key;
    }

    /** A fresh run id owned by {@code agentId}. */
    public UUID newRunId(String agentId) {
        return tag(prefixes.next(), agentId);
    }

    /** {@code base} with its last 48 bits replaced by the owner's tag; the first 10 bytes are kept. */
    public UUID tag(UUID base, String agentId) {
        byte[] tag = tagOf(base, agentId);
        long low = base.getLeastSignificantBits() & 0xFFFF_0000_0000_0000L;
        for (int i = 0; i < TAG_BYTES; i++) {
            low |= (tag[i] & 0xFFL) << (8 * (TAG_BYTES - 1 - i));
        }
        return new UUID(base.getMostSignificantBits(), low);
    }

    /** Whether the run id was made for this agent. */
    public boolean owns(String agentId, UUID runId) {
        byte[] expected = ByteBuffer.allocate(8).putLong(tag(runId, agentId).getLeastSignificantBits()).array();
        byte[] actual = ByteBuffer.allocate(8).putLong(runId.getLeastSignificantBits()).array();
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Refuses a run the caller does not own with exactly the answer for a run that does not exist, so the
     * answer tells nothing about other agents' runs.
     */
    public void requireOwned(String agentId, UUID runId) {
        if (!owns(agentId, runId)) {
            throw notFound(runId);
        }
    }

    public static ApiException notFound(UUID runId) {
        return new ApiException(ErrorCode.NOT_FOUND, notFoundMessage(runId), Map.of("field", "run_id"));
    }

    public static String notFoundMessage(UUID runId) {
        return "run " + runId + " not found";
    }

    private byte[] tagOf(UUID base, String agentId) {
        byte[] prefix = ByteBuffer.allocate(10)
                .putLong(base.getMostSignificantBits())
                .putShort((short) (base.getLeastSignificantBits() >>> 48))
                .array();
        Mac mac = key.mac();
        IdKey.update(mac, "run");
        IdKey.update(mac, agentId);
        IdKey.update(mac, prefix);
        return mac.doFinal();
    }
}

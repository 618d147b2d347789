package dev.kyoyu.schemas.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's secret for ids (KYOYU_ID_SECRET): HMAC-SHA256 over length-prefixed parts, so no choice of
 * parts can run into another's. Ids derived with it cannot be computed, and so not squatted, by a client.
 */
public final class IdKey {
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    /** Keyed once and never fed: cloning it is cheaper than a provider lookup and key setup per id. */
    private final Mac prototype;

    public IdKey(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the id secret must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.prototype = newMac();
    }

    /** A MAC already keyed; feed it with {@link #update}. Each caller gets its own (Mac is not thread-safe). */
    public Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return newMac();
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Adds one part, prefixed with its length. */
    public static void update(Mac mac, String part) {
        update(mac, part.getBytes(StandardCharsets.UTF_8));
    }

    public static void update(Mac mac, byte[] part) {
        mac.update(ByteBuffer.allocate(4).putInt(part.length).array());
        mac.update(part);
    }

    /** The first 16 bytes of a digest shaped as a version 8 (custom) UUID with the RFC 9562 variant. */
    public static UUID uuidV8(byte[] digest) {
        ByteBuffer bytes = ByteBuffer.wrap(digest, 0, 16);
        long high = bytes.getLong();
        long low = bytes.getLong();
        high = (high & ~0xF000L) | 0x8000L;
        low = (low & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}

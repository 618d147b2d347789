package dev.kyoyu.ingest.ownership;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 values whose first 10 bytes never repeat within this process: 48-bit Unix milliseconds, version 7,
 * then 12 + 14 bits that start random at each new millisecond and count up within it (RFC 9562, method 1 of
 * 6.2). The last 48 bits are left zero: {@link RunOwnership} fills them with the owner's tag.
 */
final class TimePrefixes {
    private static final long COUNTER_MASK = (1L << 26) - 1;

    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long counter;

    synchronized UUID next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            counter = random.nextLong() & (COUNTER_MASK >>> 1); // room left to count up in this millisecond
        } else if (++counter > COUNTER_MASK) {
            lastMillis++; // 2^25 ids in one millisecond: borrow the next one, as RFC 9562 allows
            counter = random.nextLong() & (COUNTER_MASK >>> 1);
        }
        long randA = counter >>> 14;
        long randB = counter & 0x3FFF;
        long high = (lastMillis << 16) | 0x7000L | randA;
        long low = 0x8000_0000_0000_0000L | (randB << 48);
        return new UUID(high, low);
    }
}

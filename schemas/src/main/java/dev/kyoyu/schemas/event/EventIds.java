package dev.kyoyu.schemas.event;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/**
 * UUIDv7 ids: time-ordered, so new rows land at the right edge of the primary-key btree
 * (measurably faster COPY into the indexed hypertable than random UUIDs).
 */
public final class EventIds {
    private static final TimeBasedEpochGenerator V7 = Generators.timeBasedEpochGenerator();

    private EventIds() {
    }

    public static UUID newId() {
        return V7.generate();
    }
}

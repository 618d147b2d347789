package dev.kyoyu.query.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kyoyu.schemas.identity.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionSlotsTest {
    @Test
    void anAgentHoldsAtMostItsCapAndAClosedSlotIsFreedOnce() {
        SubscriptionSlots slots = new SubscriptionSlots(Map.of(Role.AGENT, 2, Role.ADMIN, 3, Role.READER, 1));
        SubscriptionSlots.Slot first = slots.take("a", Role.AGENT);
        assertNotNull(first);
        assertNotNull(slots.take("a", Role.AGENT));
        assertNull(slots.take("a", Role.AGENT), "a third slot for the same agent");
        assertNotNull(slots.take("b", Role.AGENT), "the cap is per agent");
        first.close();
        first.close();
        assertEquals(1, slots.held("a"), "closing twice frees one slot");
        assertNotNull(slots.take("a", Role.AGENT));
        assertNull(slots.take("a", Role.AGENT));
    }

    @Test
    void theCapFollowsTheRole() {
        SubscriptionSlots slots = new SubscriptionSlots(Map.of(Role.AGENT, 2, Role.ADMIN, 3, Role.READER, 1));
        assertNotNull(slots.take("reader-1", Role.READER));
        assertNull(slots.take("reader-1", Role.READER), "a reader holds one");
        for (int i = 0; i < 3; i++) {
            assertNotNull(slots.take("ops", Role.ADMIN));
        }
        assertNull(slots.take("ops", Role.ADMIN), "an admin holds three");
    }
}

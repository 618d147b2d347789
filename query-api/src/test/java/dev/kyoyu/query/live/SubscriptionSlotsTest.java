package dev.kyoyu.query.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SubscriptionSlotsTest {
    @Test
    void anAgentHoldsAtMostItsCapAndAClosedSlotIsFreedOnce() {
        SubscriptionSlots slots = new SubscriptionSlots(2);
        SubscriptionSlots.Slot first = slots.take("a");
        assertNotNull(first);
        assertNotNull(slots.take("a"));
        assertNull(slots.take("a"), "a third slot for the same agent");
        assertNotNull(slots.take("b"), "the cap is per agent");
        first.close();
        first.close();
        assertEquals(1, slots.held("a"), "closing twice frees one slot");
        assertNotNull(slots.take("a"));
        assertNull(slots.take("a"));
    }
}

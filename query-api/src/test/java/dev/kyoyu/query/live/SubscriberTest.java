package dev.kyoyu.query.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.query.access.ReadScope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fan-out rules without a broker: bounded queues, filters, access and the position codec. */
class SubscriberTest {
    private static final ReadScope EVERYONE = ReadScope.everyone("ops");
    private static final FeedPosition.Key D0 = new FeedPosition.Key(FeedPosition.Role.DECISIONS, 0);
    private static final FeedPosition.Key C0 = new FeedPosition.Key(FeedPosition.Role.CONFLICTS, 0);

    private static FeedEvent decision(long offset, String agent, String type, Double confidence) {
        String json = "{\"id\":\"x\",\"agent_id\":\"" + agent + "\",\"decision_type\":\"" + type + "\""
                + (confidence == null ? "" : ",\"confidence\":" + confidence) + "}";
        return FeedEvent.parse(D0, offset, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFullQueueEndsTheSubscriptionInsteadOfWaiting() throws Exception {
        Subscriber subscriber = new Subscriber(new SubscriptionFilter(null, null, null), EVERYONE, 2, Thread.ofVirtual().unstarted(() -> { }));
        assertTrue(subscriber.offer(decision(1, "a", "t", null)));
        assertTrue(subscriber.offer(decision(2, "a", "t", null)));
        assertFalse(subscriber.offer(decision(3, "a", "t", null)), "the third does not fit");
        assertEquals(Subscriber.Ending.SLOW_CONSUMER, subscriber.ending());
        assertFalse(subscriber.offer(decision(4, "a", "t", null)), "an ended subscriber takes nothing more");
        assertEquals(1, subscriber.next(10).offset());
        assertEquals(2, subscriber.next(10).offset());
        assertNull(subscriber.next(10), "memory is bounded by the capacity");
    }

    @Test
    void filtersOnAgentTypeConfidenceAndAccess() {
        SubscriptionFilter filter = new SubscriptionFilter(List.of("a"), "loan", 0.5);
        assertTrue(filter.matches(decision(1, "a", "loan", 0.5), EVERYONE));
        assertFalse(filter.matches(decision(1, "a", "loan", 0.4), EVERYONE));
        assertFalse(filter.matches(decision(1, "a", "loan", null), EVERYONE));
        assertFalse(filter.matches(decision(1, "b", "loan", 0.9), EVERYONE));
        assertFalse(filter.matches(decision(1, "a", "fraud", 0.9), EVERYONE));
        FeedEvent conflict = FeedEvent.parse(C0, 1, "{\"decision_type\":\"loan\",\"agent_a_id\":\"b\",\"agent_b_id\":\"a\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(filter.matches(conflict, EVERYONE), "either agent of a conflict; confidence does not apply");
        ReadScope onlyA = ReadScope.only("a", Set.of("a"));
        assertFalse(filter.matches(conflict, onlyA), "a conflict shows both agents' outcomes");
        assertNull(FeedEvent.parse(D0, 1, "not json".getBytes(StandardCharsets.UTF_8)));
        assertNull(FeedEvent.parse(D0, 1, "{\"decision_type\":\"loan\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void positionsRoundTripThroughTheEventId() {
        Map<FeedPosition.Key, Long> positions = Map.of(D0, 124L, new FeedPosition.Key(FeedPosition.Role.DECISIONS, 11), 7L, C0, 3L);
        String id = FeedPosition.encode(positions);
        assertEquals("d0=124,d11=7,c0=3", id);
        assertEquals(positions, FeedPosition.decode(id));
        assertEquals(Map.of(), FeedPosition.decode(""));
        assertThrows(IllegalArgumentException.class, () -> FeedPosition.decode("d0=1,x1=2"));
        assertThrows(IllegalArgumentException.class, () -> FeedPosition.decode("d0=99999999999999999999"));
    }
}

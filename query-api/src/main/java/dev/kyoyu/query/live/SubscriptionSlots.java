package dev.kyoyu.query.live;

import java.util.HashMap;
import java.util.Map;

/**
 * How many subscriptions each agent holds open on this process, so one agent cannot take every slot of
 * KYOYU_SUBSCRIBE_MAX_SUBSCRIBERS. A slot is taken before the stream opens and given back when it ends,
 * whatever ended it.
 */
public final class SubscriptionSlots {
    /** A held slot; closing it frees the slot (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final int perAgent;
    private final Map<String, Integer> open = new HashMap<>();

    public SubscriptionSlots(int perAgent) {
        this.perAgent = perAgent;
    }

    public int perAgent() {
        return perAgent;
    }

    /** A slot for {@code agentId}, or null when it already holds {@link #perAgent()}. */
    public synchronized Slot take(String agentId) {
        int held = open.getOrDefault(agentId, 0);
        if (held >= perAgent) {
            return null;
        }
        open.put(agentId, held + 1);
        return new Slot() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (SubscriptionSlots.this) {
                    if (!closed) {
                        closed = true;
                        open.computeIfPresent(agentId, (id, n) -> n == 1 ? null : n - 1);
                    }
                }
            }
        };
    }

    public synchronized int held(String agentId) {
        return open.getOrDefault(agentId, 0);
    }
}

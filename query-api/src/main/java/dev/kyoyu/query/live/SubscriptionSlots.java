package dev.kyoyu.query.live;

import dev.kyoyu.schemas.identity.Role;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * How many subscriptions each identity holds open on this process, so one identity cannot take every slot of
 * KYOYU_SUBSCRIBE_MAX_SUBSCRIBERS; the cap depends on its role. A slot is taken before the stream opens and given back
 * when it ends, whatever ended it. Per process even when rate limits are shared through Redis: a slot is held by an
 * open connection to this process, and a counter in Redis would outlive a process that died holding it.
 */
public final class SubscriptionSlots {
    /** A held slot; closing it frees the slot (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<Role, Integer> perRole;
    private final Map<String, Integer> open = new HashMap<>();

    public SubscriptionSlots(Map<Role, Integer> perRole) {
        this.perRole = new EnumMap<>(perRole);
    }

    public int perAgent(Role role) {
        return perRole.getOrDefault(role, 0);
    }

    /** A slot for {@code agentId}, or null when it already holds {@link #perAgent(Role)} for its role. */
    public synchronized Slot take(String agentId, Role role) {
        int held = open.getOrDefault(agentId, 0);
        if (held >= perAgent(role)) {
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

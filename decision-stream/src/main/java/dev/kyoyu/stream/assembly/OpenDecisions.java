package dev.kyoyu.stream.assembly;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The open decisions of this task, keyed {@code agent_id/run_id/decision_id}: a step names its decision directly,
 * or the open decisions of its agent in its run are found by a prefix scan on {@code agent_id/run_id/}. The agent
 * leads the key so that nothing another agent sends, even with the same run and decision ids, finds them.
 * Agent ids contain no '/', so one agent's prefix never covers another's keys.
 *
 * <p>Beside them, the ids of all open decisions, whoever opened them: a decision id is taken from the moment it is
 * opened, so another agent cannot open the same id and make it first (which would leave the opener's decision a
 * duplicate).
 *
 * <p>Keys of the earlier shape {@code run_id/decision_id} (state written before this change) are never found by
 * a step; the timeout sweep drops them like any decision not made in time.
 */
final class OpenDecisions {
    private static final StringSerializer KEYS = new StringSerializer();
    private final KeyValueStore<String, OpenDecision> store;
    private final KeyValueStore<String, String> openIds;

    OpenDecisions(KeyValueStore<String, OpenDecision> store, KeyValueStore<String, String> openIds) {
        this.store = store;
        this.openIds = openIds;
    }

    /** Whether any agent has a decision with this id open. */
    boolean isOpen(UUID decisionId) {
        return openIds.get(decisionId.toString()) != null;
    }

    OpenDecision get(String agentId, UUID runId, UUID decisionId) {
        return store.get(key(agentId, runId, decisionId));
    }

    void put(OpenDecision decision) {
        store.put(key(decision.agentId(), decision.runId(), decision.id()), decision);
        openIds.put(decision.id().toString(), decision.agentId());
    }

    void remove(OpenDecision decision) {
        store.delete(key(decision.agentId(), decision.runId(), decision.id()));
        openIds.delete(decision.id().toString());
    }

    /** The open decisions of one agent in one run. */
    List<OpenDecision> inRun(String agentId, UUID runId) {
        List<OpenDecision> open = new ArrayList<>();
        try (KeyValueIterator<String, OpenDecision> it = store.prefixScan(agentId + "/" + runId + "/", KEYS)) {
            it.forEachRemaining(entry -> open.add(entry.value));
        }
        return open;
    }

    /** Removes and returns every open decision opened before the cutoff, whatever the shape of its key. */
    List<OpenDecision> removeOpenedBefore(Instant cutoff) {
        List<KeyValue<String, OpenDecision>> expired = new ArrayList<>();
        try (KeyValueIterator<String, OpenDecision> it = store.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value.openedAt().isBefore(cutoff)) {
                    expired.add(entry);
                }
            });
        }
        expired.forEach(entry -> {
            store.delete(entry.key);
            openIds.delete(entry.value.id().toString());
        });
        return expired.stream().map(entry -> entry.value).toList();
    }

    private static String key(String agentId, UUID runId, UUID decisionId) {
        return agentId + "/" + runId + "/" + decisionId;
    }
}

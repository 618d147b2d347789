package dev.kyoyu.stream.assembly;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The open decisions of this task, keyed {@code run_id/decision_id}: a step names its decision directly, or
 * its run's open decisions are found by a prefix scan on {@code run_id/}.
 */
final class OpenDecisions {
    private static final StringSerializer KEYS = new StringSerializer();
    private final KeyValueStore<String, OpenDecision> store;

    OpenDecisions(KeyValueStore<String, OpenDecision> store) {
        this.store = store;
    }

    OpenDecision get(UUID runId, UUID decisionId) {
        return store.get(key(runId, decisionId));
    }

    void put(OpenDecision decision) {
        store.put(key(decision.runId(), decision.id()), decision);
    }

    void remove(OpenDecision decision) {
        store.delete(key(decision.runId(), decision.id()));
    }

    List<OpenDecision> inRun(UUID runId) {
        List<OpenDecision> open = new ArrayList<>();
        try (KeyValueIterator<String, OpenDecision> it = store.prefixScan(runId + "/", KEYS)) {
            it.forEachRemaining(entry -> open.add(entry.value));
        }
        return open;
    }

    List<OpenDecision> all() {
        List<OpenDecision> open = new ArrayList<>();
        try (KeyValueIterator<String, OpenDecision> it = store.all()) {
            it.forEachRemaining(entry -> open.add(entry.value));
        }
        return open;
    }

    private static String key(UUID runId, UUID decisionId) {
        return runId + "/" + decisionId;
    }
}

package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Derives {@code agent_runs} from lifecycle events, in the batch's transaction. A run belongs to the agent
 * whose lifecycle event first named it. Replays are harmless: a start only fills a row that is missing, and a
 * completion is only taken from the run's own agent.
 *
 * <p>A lifecycle event from another agent is refused ({@link RefusedRecordException}: the caller dead-letters
 * it). The statements also match on the agent, so even an event this check misses (a run created by a
 * transaction not committed when the owners were read) never alters another agent's run.
 */
public final class RunRowWriter {
    private static final String OWNERS = "SELECT id, agent_id FROM agent_runs WHERE id = ANY (?)";
    private static final String START = """
            INSERT INTO agent_runs (id, agent_id, status, started_at, metadata)
            VALUES (?, ?, 'running', ?, ?::jsonb)
            ON CONFLICT (id) DO NOTHING""";
    private static final String FINISH = """
            INSERT INTO agent_runs (id, agent_id, status, started_at, completed_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, completed_at = excluded.completed_at
            WHERE agent_runs.agent_id = excluded.agent_id""";

    public void apply(Connection connection, List<PositionedEvent> events) throws SQLException {
        List<AgentEvent> lifecycle = new ArrayList<>();
        for (PositionedEvent positioned : events) {
            if (isLifecycle(positioned.event().eventType())) {
                lifecycle.add(positioned.event());
            }
        }
        if (lifecycle.isEmpty()) {
            return;
        }
        checkOwners(connection, lifecycle);
        try (PreparedStatement start = connection.prepareStatement(START);
             PreparedStatement finish = connection.prepareStatement(FINISH)) {
            boolean anyStart = false;
            boolean anyFinish = false;
            // One completion per run and statement: the driver rewrites the batch into one multi-row INSERT, and
            // ON CONFLICT DO UPDATE refuses to touch a row twice in one command (a run completed twice in one batch).
            // The last in log order wins, as it would row by row.
            Map<UUID, AgentEvent> lastFinish = new LinkedHashMap<>();
            for (AgentEvent e : lifecycle) {
                if (!e.eventType().equals(EventTypes.RUN_STARTED)) {
                    lastFinish.remove(e.runId());
                    lastFinish.put(e.runId(), e);
                }
            }
            for (AgentEvent e : lifecycle) {
                if (!e.eventType().equals(EventTypes.RUN_STARTED) && lastFinish.get(e.runId()) != e) {
                    continue;
                }
                if (e.eventType().equals(EventTypes.RUN_STARTED)) {
                    start.setObject(1, e.runId());
                    start.setString(2, e.agentId());
                    start.setTimestamp(3, Timestamp.from(e.occurredAt()));
                    start.setString(4, e.payload().path("metadata").isObject() ? e.payload().get("metadata").toString() : "{}");
                    start.addBatch();
                    anyStart = true;
                } else {
                    finish.setObject(1, e.runId());
                    finish.setString(2, e.agentId());
                    finish.setString(3, e.eventType().equals(EventTypes.RUN_COMPLETED) ? "completed" : "failed");
                    // A completion seen without its start still makes a row; the start time is unknown, so use the end.
                    finish.setTimestamp(4, Timestamp.from(e.occurredAt()));
                    finish.setTimestamp(5, Timestamp.from(e.occurredAt()));
                    finish.addBatch();
                    anyFinish = true;
                }
            }
            // Starts first: a batch may hold both the start and the completion of a short run.
            if (anyStart) {
                start.executeBatch();
            }
            if (anyFinish) {
                finish.executeBatch();
            }
        }
    }

    private static boolean isLifecycle(String eventType) {
        return switch (eventType) {
            case EventTypes.RUN_STARTED, EventTypes.RUN_COMPLETED, EventTypes.RUN_FAILED -> true;
            default -> false;
        };
    }

    /** The stored owners, then the batch's own events in order: the first to name a new run owns it. */
    private static void checkOwners(Connection connection, List<AgentEvent> lifecycle) throws SQLException {
        Map<UUID, String> owners = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(OWNERS)) {
            select.setArray(1, connection.createArrayOf("uuid", lifecycle.stream().map(AgentEvent::runId).distinct().toArray()));
            try (ResultSet found = select.executeQuery()) {
                while (found.next()) {
                    owners.put(found.getObject(1, UUID.class), found.getString(2));
                }
            }
        }
        for (AgentEvent e : lifecycle) {
            String owner = owners.putIfAbsent(e.runId(), e.agentId());
            if (owner != null && !owner.equals(e.agentId())) {
                throw new RefusedRecordException(e.eventType() + " " + e.id() + ": run " + e.runId() + " belongs to another agent");
            }
        }
    }
}

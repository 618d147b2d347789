package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * Derives {@code agent_runs} from lifecycle events, in the batch's transaction. Replays are harmless:
 * a start only fills a row that is missing, and a completion is only taken from the run's own agent.
 */
public final class RunRowWriter {
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
        try (PreparedStatement start = connection.prepareStatement(START);
             PreparedStatement finish = connection.prepareStatement(FINISH)) {
            boolean anyStart = false;
            boolean anyFinish = false;
            for (PositionedEvent positioned : events) {
                AgentEvent e = positioned.event();
                switch (e.eventType()) {
                    case EventTypes.RUN_STARTED -> {
                        start.setObject(1, e.runId());
                        start.setString(2, e.agentId());
                        start.setTimestamp(3, Timestamp.from(e.occurredAt()));
                        start.setString(4, e.payload().path("metadata").isObject() ? e.payload().get("metadata").toString() : "{}");
                        start.addBatch();
                        anyStart = true;
                    }
                    case EventTypes.RUN_COMPLETED, EventTypes.RUN_FAILED -> {
                        finish.setObject(1, e.runId());
                        finish.setString(2, e.agentId());
                        finish.setString(3, e.eventType().equals(EventTypes.RUN_COMPLETED) ? "completed" : "failed");
                        // A completion seen without its start still makes a row; the start time is unknown, so use the end.
                        finish.setTimestamp(4, Timestamp.from(e.occurredAt()));
                        finish.setTimestamp(5, Timestamp.from(e.occurredAt()));
                        finish.addBatch();
                        anyFinish = true;
                    }
                    default -> {
                        // Not a lifecycle event: nothing to derive.
                    }
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
}

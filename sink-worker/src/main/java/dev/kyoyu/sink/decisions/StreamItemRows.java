package dev.kyoyu.sink.decisions;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.sink.consume.SavepointBatchWrite;
import dev.kyoyu.sink.copy.DecisionRowWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** The rows of decisions and conflicts: each item holds one or the other. */
final class StreamItemRows implements SavepointBatchWrite.Rows<StreamItem> {
    private final DecisionRowWriter decisions = new DecisionRowWriter();
    private final ConflictRowWriter conflicts = new ConflictRowWriter();

    @Override
    public void write(Connection connection, List<StreamItem> batch) throws SQLException {
        decisions.write(connection, batch.stream().map(StreamItem::decision).filter(Objects::nonNull).map(StreamItemRows::row).toList());
        conflicts.write(connection, batch.stream().map(StreamItem::conflict).filter(Objects::nonNull).toList());
    }

    private static DecisionRowWriter.Row row(DecisionRecord d) {
        return new DecisionRowWriter.Row(d.asTraced(), d.runId(), d.agentId(), d.validFrom(), d.sourceEventId(), d.revises());
    }
}

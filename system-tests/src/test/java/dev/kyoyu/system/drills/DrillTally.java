package dev.kyoyu.system.drills;

import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The delivery count of one drill whose load came from agents {@code prefix-*}: sent, acknowledged (202), stored in
 * agent_events, lost (acknowledged, not stored), duplicated (stored rows beyond one per id), and refused but stored
 * (answered 503, yet in the log: allowed, the agent sends them again under the same ids).
 */
record DrillTally(String drill, long sent, long acknowledged, long stored, long lost, long duplicated, long refusedButStored,
                  long unavailable, Duration slowestAnswer, Duration loadTime, Duration recovery) {
    private static final String STORED_IDS = "SELECT id FROM agent_events WHERE event_type = '" + LoadGenerator.EVENT_TYPE
            + "' AND agent_id LIKE ?";

    /** Load events of the agents {@code prefix-*} stored now, one id per row. */
    static List<UUID> storedIds(LocalStack stack, String agentPrefix) {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = stack.connect(); PreparedStatement statement = connection.prepareStatement(STORED_IDS)) {
            statement.setString(1, agentPrefix + "-%");
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored event ids", e);
        }
        return ids;
    }

    static DrillTally of(String drill, LoadGenerator.Report report, List<UUID> storedRows, Duration recovery) {
        Set<UUID> stored = new HashSet<>(storedRows);
        long lost = report.acknowledged().stream().filter(id -> !stored.contains(id)).count();
        long refusedButStored = report.unacknowledged().stream().filter(stored::contains).count();
        long sent = report.acknowledged().size() + report.unacknowledged().size();
        long first = report.samples().stream().mapToLong(LoadGenerator.Sample::startNanos).min().orElse(0);
        long last = report.samples().stream().mapToLong(LoadGenerator.Sample::endNanos).max().orElse(0);
        return new DrillTally(drill, sent, report.acknowledged().size(), stored.size(), lost, storedRows.size() - stored.size(),
                refusedButStored, report.matching(s -> s.status() == 503).size(), report.slowest(), Duration.ofNanos(last - first), recovery);
    }

    /** The one line the closing note copies. */
    String summary() {
        return String.format("[drill %s] sent=%d acknowledged=%d stored=%d lost=%d duplicated=%d refused_but_stored=%d"
                        + " requests_503=%d slowest_answer=%.1fs load=%.0fs recovery=%.1fs",
                drill, sent, acknowledged, stored, lost, duplicated, refusedButStored, unavailable,
                slowestAnswer.toMillis() / 1000.0, loadTime.toMillis() / 1000.0, recovery.toMillis() / 1000.0);
    }
}

package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The delivery facts every drill checks, read from the drill's own stack: what the topic and the database hold. */
final class Delivery {
    private static final String COUNT_STORED = "SELECT count(*) FROM agent_events WHERE event_type = '" + LoadGenerator.EVENT_TYPE + "'";
    private static final String STORED_IDS = "SELECT id FROM agent_events WHERE event_type = '" + LoadGenerator.EVENT_TYPE + "'";

    private Delivery() {
    }

    /** Rows of load events in agent_events now. */
    static long storedCount(LocalStack stack) {
        return stack.queryLong(COUNT_STORED);
    }

    /** Every stored load event id, once per row (so a duplicate shows up twice). */
    static List<UUID> storedIds(LocalStack stack) {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = stack.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(STORED_IDS)) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored event ids", e);
        }
        return ids;
    }

    /** Waits until as many load events are stored as were acknowledged (or more, which then fails below). */
    static void awaitStored(LocalStack stack, long expected, Duration timeout) {
        Await.until(timeout, expected + " acknowledged events stored by the sink", () -> storedCount(stack) >= expected);
    }

    /**
     * Every acknowledged event is in agent_events exactly once, and nothing else is: count(*) =
     * count(distinct id) = the number acknowledged, and the ids are the acknowledged ones.
     */
    static void assertStoredExactlyOnce(LocalStack stack, Set<UUID> acknowledged) {
        List<UUID> rows = storedIds(stack);
        Set<UUID> distinct = new HashSet<>(rows);
        assertEquals(rows.size(), distinct.size(), () -> (rows.size() - distinct.size()) + " events are stored more than once, e.g. "
                + duplicates(rows).stream().limit(5).toList());
        Set<UUID> missing = new HashSet<>(acknowledged);
        missing.removeAll(distinct);
        Set<UUID> extra = new HashSet<>(distinct);
        extra.removeAll(acknowledged);
        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + acknowledged.size() + " acknowledged events are not stored, e.g. "
                + missing.stream().limit(5).toList());
        assertTrue(extra.isEmpty(), () -> extra.size() + " stored events were never acknowledged, e.g. " + extra.stream().limit(5).toList());
        assertEquals(acknowledged.size(), rows.size());
    }

    /** How often each load event id occurs in the stack's events topic. */
    static Map<UUID, Integer> topicIdCounts(LocalStack stack) {
        Map<UUID, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : KafkaProbe.readToEnd(stack.kafkaBootstrap(), LocalStack.EVENTS_TOPIC, Duration.ofSeconds(60))) {
            try {
                JsonNode event = EventJson.MAPPER.readTree(record.value());
                if (LoadGenerator.EVENT_TYPE.equals(event.path("event_type").asText())) {
                    counts.merge(UUID.fromString(event.path("id").asText()), 1, Integer::sum);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable record at " + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
            }
        }
        return counts;
    }

    /** Every acknowledged id is in the topic exactly once (the idempotent producer never doubles a record). */
    static void assertInTopicExactlyOnce(Map<UUID, Integer> topic, Set<UUID> acknowledged) {
        List<UUID> missing = acknowledged.stream().filter(id -> !topic.containsKey(id)).toList();
        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + acknowledged.size()
                + " acknowledged events are not in the topic, e.g. " + missing.stream().limit(5).toList());
        List<UUID> doubled = acknowledged.stream().filter(id -> topic.get(id) > 1).toList();
        assertTrue(doubled.isEmpty(), () -> doubled.size() + " acknowledged events are in the topic more than once, e.g. "
                + doubled.stream().limit(5).toList());
    }

    /** The topic holds no load event the generator did not send (acknowledged or not). */
    static void assertTopicHoldsOnlySentEvents(Map<UUID, Integer> topic, LoadGenerator.Report report) {
        List<UUID> unknown = topic.keySet().stream()
                .filter(id -> !report.acknowledged().contains(id) && !report.unacknowledged().contains(id)).toList();
        assertTrue(unknown.isEmpty(), () -> unknown.size() + " events in the topic were never sent, e.g. " + unknown.stream().limit(5).toList());
    }

    private static Set<UUID> duplicates(List<UUID> rows) {
        Set<UUID> seen = new HashSet<>();
        Set<UUID> doubled = new HashSet<>();
        rows.forEach(id -> {
            if (!seen.add(id)) {
                doubled.add(id);
            }
        });
        return doubled;
    }
}

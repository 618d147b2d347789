package dev.kyoyu.sink.offsets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer positions kept in PostgreSQL ({@code sink_offsets}). Saved in the same transaction as the
 * rows they cover, so the database and its read position can never disagree: a crash loses both or
 * neither, and a restored backup carries the position it was taken at.
 */
public final class OffsetStore {
    private static final String LOAD = "SELECT kafka_partition, next_offset FROM sink_offsets WHERE topic = ? AND kafka_partition = ANY (?)";
    private static final String MOVE = """
            UPDATE sink_offsets AS s SET next_offset = m.next, updated_at = now()
            FROM unnest(?::integer[], ?::bigint[], ?::bigint[]) AS m(kafka_partition, expected, next)
            WHERE s.topic = ? AND s.kafka_partition = m.kafka_partition AND s.next_offset = m.expected
            RETURNING s.kafka_partition""";
    private static final String FIRST = """
            INSERT INTO sink_offsets (next_offset, topic, kafka_partition, updated_at) VALUES (?, ?, ?, now())
            ON CONFLICT (topic, kafka_partition) DO NOTHING""";

    /** The next offset to read for each partition that has one stored; absent partitions start at the beginning. */
    public Map<TopicPartition, Long> load(Connection connection, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        Map<String, Integer[]> byTopic = new HashMap<>();
        partitions.stream().map(TopicPartition::topic).distinct().forEach(topic -> byTopic.put(topic,
                partitions.stream().filter(p -> p.topic().equals(topic)).map(TopicPartition::partition).toArray(Integer[]::new)));
        try (PreparedStatement load = connection.prepareStatement(LOAD)) {
            for (Map.Entry<String, Integer[]> topic : byTopic.entrySet()) {
                load.setString(1, topic.getKey());
                load.setArray(2, connection.createArrayOf("integer", topic.getValue()));
                try (ResultSet rows = load.executeQuery()) {
                    while (rows.next()) {
                        stored.put(new TopicPartition(topic.getKey(), rows.getInt(1)), rows.getLong(2));
                    }
                }
            }
        }
        return stored;
    }

    /**
     * Where a batch moves a partition: from the offset this worker last stored ({@code null}: none stored
     * yet) to {@code next}.
     */
    public record Advance(Long expected, long next) {
    }

    /** A partition's stored offset is not the one this worker last stored: another worker has written it since. */
    public static final class OffsetsMovedException extends RuntimeException {
        OffsetsMovedException(TopicPartition partition, Long expected) {
            super("offset of " + partition + " is no longer " + (expected == null ? "unset" : expected)
                    + ": another worker has written this partition; dropping this batch");
        }
    }

    /**
     * Moves each partition's offset, but only from the value this worker last stored. This fences off a
     * worker that lost its partitions without noticing (a long pause, a partition it no longer owns): its
     * transaction fails here and rolls back with its rows, so no event is written twice.
     */
    public void advance(Connection connection, Map<TopicPartition, Advance> advances) throws SQLException {
        Map<String, Map<Integer, Advance>> moves = new HashMap<>();
        try (PreparedStatement first = connection.prepareStatement(FIRST)) {
            for (Map.Entry<TopicPartition, Advance> entry : advances.entrySet()) {
                TopicPartition partition = entry.getKey();
                Advance advance = entry.getValue();
                if (advance.expected() != null) {
                    moves.computeIfAbsent(partition.topic(), t -> new HashMap<>()).put(partition.partition(), advance);
                    continue;
                }
                first.setLong(1, advance.next());
                first.setString(2, partition.topic());
                first.setInt(3, partition.partition());
                if (first.executeUpdate() != 1) {
                    throw new OffsetsMovedException(partition, null);
                }
            }
        }
        for (Map.Entry<String, Map<Integer, Advance>> topic : moves.entrySet()) {
            move(connection, topic.getKey(), topic.getValue());
        }
    }

    /** All of a topic's partitions in one statement: one round trip per batch, whatever the partition count. */
    private static void move(Connection connection, String topic, Map<Integer, Advance> partitions) throws SQLException {
        Integer[] numbers = partitions.keySet().toArray(Integer[]::new);
        Long[] expected = new Long[numbers.length];
        Long[] next = new Long[numbers.length];
        for (int i = 0; i < numbers.length; i++) {
            expected[i] = partitions.get(numbers[i]).expected();
            next[i] = partitions.get(numbers[i]).next();
        }
        Set<Integer> moved = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(MOVE)) {
            statement.setArray(1, connection.createArrayOf("integer", numbers));
            statement.setArray(2, connection.createArrayOf("bigint", expected));
            statement.setArray(3, connection.createArrayOf("bigint", next));
            statement.setString(4, topic);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    moved.add(rows.getInt(1));
                }
            }
        }
        for (Integer partition : numbers) {
            if (!moved.contains(partition)) {
                throw new OffsetsMovedException(new TopicPartition(topic, partition), partitions.get(partition).expected());
            }
        }
    }
}

package dev.kyoyu.bench.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.copy.EventCopyWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class PeerTopicTest {
    @Test
    void connectsJsonConverterReadsTheEnvelopeAsTheRowOfTheSourceEvent() throws Exception {
        ObjectNode payload = EventJson.MAPPER.createObjectNode().put("tool", "search").put("text", "\"quoted\", tab\t, ünïcödé 決定");
        payload.putArray("args").add(1).add("two").addObject().putNull("none");
        AgentEvent event = new AgentEvent(EventIds.newId(), EventIds.newId(), "bench-agent-0007", "Tool.Called",
                Instant.parse("2026-12-04T10:15:30.123456789Z"), Instant.parse("2026-12-04T10:15:31.000002500Z"), payload);

        SchemaAndValue read = throughConnect(event, 2, 41_000L);

        Struct row = assertInstanceOf(Struct.class, read.value());
        row.validate();
        assertEquals(List.of("id", "run_id", "agent_id", "event_type", "occurred_at", "received_at", "payload",
                "kafka_partition", "kafka_offset"), read.schema().fields().stream().map(Field::name).toList());
        assertEquals(event.id().toString(), row.getString("id"));
        assertEquals(event.runId().toString(), row.getString("run_id"));
        assertEquals(event.agentId(), row.getString("agent_id"));
        assertEquals(event.eventType(), row.getString("event_type"));
        assertEquals("2026-12-04T10:15:30.123457Z", row.getString("occurred_at"));
        assertEquals("2026-12-04T10:15:31.000002Z", row.getString("received_at"));
        assertEquals(payload, EventJson.MAPPER.readTree(row.getString("payload")));
        assertEquals(2, row.getInt32("kafka_partition"));
        assertEquals(41_000L, row.getInt64("kafka_offset"));
    }

    @Test
    void columnsCarryTheSemanticTypesDebeziumBindsAsUuidTimestamptzAndJsonb() {
        SchemaAndValue read = throughConnect(new AgentEvent(EventIds.newId(), EventIds.newId(), "bench-agent-0001", "Run.Started",
                Instant.EPOCH, Instant.EPOCH, EventJson.MAPPER.createObjectNode()), 0, 0L);
        Map<String, String> semantic = Map.of("id", "io.debezium.data.Uuid", "run_id", "io.debezium.data.Uuid",
                "occurred_at", "io.debezium.time.ZonedTimestamp", "received_at", "io.debezium.time.ZonedTimestamp",
                "payload", "io.debezium.data.Json");
        for (Field field : read.schema().fields()) {
            Schema schema = field.schema();
            assertEquals(semantic.get(field.name()), schema.name(), field.name());
            assertEquals(false, schema.isOptional(), field.name());
        }
    }

    @Test
    void subMicrosecondDigitsRoundAsPostgresqlsTextInputRoundsThemWithHalvesToEven() {
        // {nanos, micros PostgreSQL stores}: ordinary values round to nearest, exact halves to the even microsecond.
        int[][] cases = {{0, 0}, {1, 0}, {499, 0}, {500, 0}, {501, 1}, {999, 1}, {1_500, 2}, {2_500, 2}, {3_500, 4},
                {123_456_789, 123_457}, {764_136_500, 764_136}, {764_136_501, 764_137}, {999_999_499, 999_999}};
        for (Instant second : List.of(Instant.parse("2026-12-04T10:15:30Z"), Instant.parse("1938-04-24T22:13:20Z"))) {
            for (int[] c : cases) {
                assertEquals(second.plus(c[1], ChronoUnit.MICROS), EventCopyWriter.postgresRounded(second.plusNanos(c[0])),
                        second + " + " + c[0] + " ns");
            }
            assertEquals(second.plusSeconds(1), EventCopyWriter.postgresRounded(second.plusNanos(999_999_500)),
                    "the half below the next second rounds up into it");
        }
    }

    /** The peer's record for {@code event} at partition/offset, as the Connect worker's value converter reads it. */
    private static SchemaAndValue throughConnect(AgentEvent event, int partition, long offset) {
        ConsumerRecord<String, byte[]> source = new ConsumerRecord<>("bench.sink.test", partition, offset, event.agentId(),
                EventJson.toBytes(event));
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        return converter.toConnectData("bench.sink-peer.test", PeerTopic.envelope(PeerTopic.schema(), source));
    }
}

package dev.kyoyu.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Topic records written by hand, as another producer (or an older ingest) could write them: every field is
 * text the test chooses, so it can carry what ingest would refuse today.
 */
final class SinkRecords {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SinkRecords() {
    }

    /** An agent event record with the given fields; occurred_at and received_at default to now. */
    static ObjectNode event(UUID id, UUID runId, String agent, String type, ObjectNode payload) {
        String now = Instant.now().toString();
        ObjectNode event = EventJson.MAPPER.createObjectNode();
        event.put("id", id.toString()).put("run_id", runId.toString()).put("agent_id", agent).put("event_type", type)
                .put("occurred_at", now).put("received_at", now).put("id_origin", "CLIENT");
        event.set("payload", payload);
        return event;
    }

    static ObjectNode ordinary(String agent, int i) {
        return event(EventIds.newId(), EventIds.newId(), agent, "ToolCalled", EventJson.MAPPER.createObjectNode().put("i", i));
    }

    /** The payload of a {@code DecisionTraced} event: a whole decision. */
    static ObjectNode decision(UUID id, String outcome, String validFrom) {
        ObjectNode decision = EventJson.MAPPER.createObjectNode().put("id", id.toString()).put("decision_type", "loan_approval")
                .put("outcome", outcome).put("confidence", 0.9);
        if (validFrom != null) {
            decision.put("valid_from", validFrom);
        }
        return decision;
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UUID id(ObjectNode event) {
        return UUID.fromString(event.get("id").asText());
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The sink's /health status code: 200 healthy, 503 otherwise. */
    static int health(SinkApp sink) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.kyoyu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The caller's trace runs through the ingest API, rides in the Kafka record headers, and reaches the sink. */
class TraceContextIT {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void theCallersTraceIsContinuedByIngestAndLinkedBySink() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk telemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        String topic = TestTopics.create("trace", 1);
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> env = ServiceEnv.of(db, topic, TestTopics.create("trace-dlq", 1));
            try (IngestApp ingest = IngestApp.start(IngestConfig.fromEnv(env), telemetry);
                 SinkApp sink = SinkApp.start(SinkConfig.fromEnv(env), telemetry)) {
                HttpJson http = new HttpJson(ingest.port());
                String token = TestTokens.token("traced", Role.AGENT);
                HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(http.baseUrl() + "/v1/runs"))
                        .header("Authorization", "Bearer " + token)
                        .header("traceparent", TRACEPARENT)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());

                List<ConsumerRecord<String, byte[]>> records = TestTopics.readAll(topic, 1, Duration.ofSeconds(10));
                String header = new String(records.get(0).headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
                assertTrue(header.contains(TRACE_ID), "the record carries the caller's trace: " + header);

                Await.until(Duration.ofSeconds(30), "the sink wrote the batch and ended its span", () ->
                        spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("kyoyu.db.copy")));
            }
        }
        SpanData ingestSpan = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("kyoyu.ingest"))
                .filter(s -> "/v1/runs".equals(s.getAttributes().get(AttributeKey.stringKey("url.path"))))
                .findFirst().orElseThrow();
        assertEquals(TRACE_ID, ingestSpan.getTraceId(), "the ingest span continues the caller's trace");
        SpanData copySpan = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("kyoyu.db.copy")).findFirst().orElseThrow();
        assertTrue(copySpan.getLinks().stream().anyMatch(link -> link.getSpanContext().getSpanId().equals(ingestSpan.getSpanId())),
                "the batch span links to the request whose event it stored");
    }
}

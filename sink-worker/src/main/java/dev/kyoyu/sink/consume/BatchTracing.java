package dev.kyoyu.sink.consume;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A span per batch write, {@code kyoyu.db.copy}, linked to the ingest requests whose events it stores
 * (their trace context arrives in the record headers). A batch mixes many requests, so links rather
 * than one parent; capped, because a thousand links per span would cost more than they tell.
 */
public final class BatchTracing {
    private static final int MAX_LINKS = 32;
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final Set<SpanContext> links = new LinkedHashSet<>();

    public BatchTracing(OpenTelemetry telemetry) {
        this.tracer = telemetry.getTracer("dev.kyoyu.sink");
        this.propagator = telemetry.getPropagators().getTextMapPropagator();
    }

    void link(ConsumerRecord<String, byte[]> record) {
        if (links.size() >= MAX_LINKS || record.headers().lastHeader("traceparent") == null) {
            return;
        }
        SpanContext origin = Span.fromContext(propagator.extract(Context.root(), record.headers(), HEADERS)).getSpanContext();
        if (origin.isValid()) {
            links.add(origin);
        }
    }

    void clearLinks() {
        links.clear();
    }

    BatchSpan start(int events) {
        SpanBuilder builder = tracer.spanBuilder("kyoyu.db.copy").setNoParent().setAttribute("kyoyu.batch.events", events);
        links.forEach(builder::addLink);
        return new BatchSpan(builder.startSpan());
    }

    /** Ends when the write attempt ends; marked failed when it did not go through. */
    public static final class BatchSpan implements AutoCloseable {
        private final Span span;

        private BatchSpan(Span span) {
            this.span = span;
        }

        void failed(Exception e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
        }

        @Override
        public void close() {
            span.end();
        }
    }
}

package dev.kyoyu.service.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.HttpRouting;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * One server span per request, continuing the caller's trace (W3C traceparent) when it sends one.
 * The span is current while the handler runs, so what the handler publishes carries its context on.
 */
public final class HttpSpans {
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequestHeaders headers) {
            return StreamSupport.stream(headers.spliterator(), false).map(h -> h.name()).toList();
        }

        @Override
        public String get(ServerRequestHeaders headers, String key) {
            HeaderName name = HeaderNames.create(key);
            return headers == null ? null : headers.first(name).orElse(null);
        }
    };

    private HttpSpans() {
    }

    /** @param spanName the span's name for a request path, e.g. {@code kyoyu.ingest} */
    public static void install(HttpRouting.Builder routing, OpenTelemetry telemetry, String instrumentation,
                               Function<String, String> spanName) {
        Tracer tracer = telemetry.getTracer(instrumentation);
        routing.addFilter((chain, req, res) -> {
            String path = req.path().path();
            if (path.equals("/health") || path.equals("/metrics")) {
                chain.proceed();
                return;
            }
            Context parent = telemetry.getPropagators().getTextMapPropagator().extract(Context.root(), req.headers(), HEADERS);
            Span span = tracer.spanBuilder(spanName.apply(path))
                    .setParent(parent)
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.request.method", req.prologue().method().text())
                    .setAttribute("url.path", path)
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                chain.proceed();
                int status = res.status().code();
                span.setAttribute("http.response.status_code", status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
            } catch (RuntimeException e) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                span.end();
            }
        });
    }
}

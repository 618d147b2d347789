package dev.kyoyu.service.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;

/**
 * OpenTelemetry for a Kyoyu process, configured the standard way (OTEL_* environment variables, e.g.
 * OTEL_TRACES_EXPORTER=otlp and OTEL_EXPORTER_OTLP_ENDPOINT). Exporters are off unless configured, so a
 * laptop without a collector logs no export errors; W3C trace context is always propagated.
 */
public final class Telemetry {
    private Telemetry() {
    }

    public static OpenTelemetry fromEnvironment(String serviceName) {
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", serviceName,
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.propagators", "tracecontext,baggage"))
                .build()
                .getOpenTelemetrySdk();
    }
}

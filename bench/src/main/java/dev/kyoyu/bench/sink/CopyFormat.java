package dev.kyoyu.bench.sink;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.sink.copy.EventCopyWriter;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two formats COPY reads, for the raw baselines: binary (what sink-worker writes, through its own
 * {@link EventCopyWriter}) and text, kept here only so that every run shows the choice was measured.
 */
enum CopyFormat {
    BINARY("binary", "FORMAT binary"), TEXT("text", "FORMAT text");

    final String label;
    private final String option;

    CopyFormat(String label, String option) {
        this.label = label;
        this.option = option;
    }

    String statement() {
        return "COPY agent_events " + EventCopyWriter.COLUMNS + " FROM STDIN (" + option + ")";
    }

    byte[] header() {
        return this == BINARY ? EventCopyWriter.HEADER : new byte[0];
    }

    byte[] trailer() {
        return this == BINARY ? EventCopyWriter.TRAILER : new byte[0];
    }

    void formatRow(PositionedEvent event, ByteArrayOutputStream out) {
        if (this == BINARY) {
            EventCopyWriter.formatRow(event, out);
        } else {
            textRow(event, out);
        }
    }

    /** Tab-separated columns in {@link EventCopyWriter#COLUMNS} order; backslash, tab, newline and return escaped. */
    private static void textRow(PositionedEvent positioned, ByteArrayOutputStream out) {
        AgentEvent e = positioned.event();
        String payload = positioned.payloadJson() != null
                ? new String(positioned.payloadJson(), StandardCharsets.UTF_8) : e.payload().toString();
        String row = String.join("\t", e.id().toString(), e.runId().toString(), escaped(e.agentId()), escaped(e.eventType()),
                e.occurredAt().toString(), e.receivedAt().toString(), escaped(payload),
                Integer.toString(positioned.partition()), Long.toString(positioned.offset())) + "\n";
        out.writeBytes(row.getBytes(StandardCharsets.UTF_8));
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}

package dev.kyoyu.testsupport.generative;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

/**
 * Generates events and decisions across and past every edge the ingest validators draw: timestamps
 * around {@code TimeWindow}'s bounds and the future-skew bound, text lengths around the limits, NUL,
 * lone surrogates and invalid UTF-8, payloads near the payload limit, confidence around 0 and 1,
 * nesting depth, unknown fields and granular decision step sequences. Deterministic for a given
 * {@link Random}, so a seed reproduces a run.
 */
public final class CaseGenerator {
    /** Marker replaced by a JSON-escaped lone high surrogate after serialization (Jackson would not write one). */
    private static final String SURROGATE = "~~SURROGATE~~";
    /** Marker replaced by bytes that are not UTF-8 after serialization. */
    private static final String BAD_UTF8 = "~~BADUTF8~~";
    /** The ingest defaults (IngestConfig): payload bytes and JSON depth. */
    private static final int PAYLOAD_LIMIT = 64 * 1024;
    private static final int DEPTH_LIMIT = 64;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final List<Family> FAMILIES = List.of(
            new Family("timestamp", CaseGenerator::timestamp),
            new Family("text-length", CaseGenerator::textLength),
            new Family("nul", CaseGenerator::nul),
            new Family("unicode", CaseGenerator::unicode),
            new Family("payload-size", CaseGenerator::payloadSize),
            new Family("confidence", CaseGenerator::confidence),
            new Family("nesting", CaseGenerator::nesting),
            new Family("unknown-field", CaseGenerator::unknownField),
            new Family("granular-sequence", CaseGenerator::granular),
            new Family("event-id", CaseGenerator::eventId));

    private record Family(String name, Function<Random, GeneratedCase> make) {
    }

    private CaseGenerator() {
    }

    public static List<String> families() {
        return FAMILIES.stream().map(Family::name).toList();
    }

    public static GeneratedCase next(Random random) {
        return FAMILIES.get(random.nextInt(FAMILIES.size())).make().apply(random);
    }

    // --- edge values ---------------------------------------------------------------------------

    /** Timestamps on both sides of TimeWindow (1900-01-01 .. 9999-12-31T23:59:59.999999Z) and far beyond, plus malformed ones. */
    static JsonNode timeEdge(Random r) {
        Instant now = Instant.now();
        List<String> texts = List.of(
                "1899-12-31T23:59:59.999999Z", "1900-01-01T00:00:00Z", "1900-01-01T00:00:00.000001Z",
                "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", now.toString(),
                now.plus(Duration.ofMinutes(4)).toString(), now.plus(Duration.ofMinutes(6)).toString(),
                now.minus(Duration.ofDays(365 * 50)).toString(),
                "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.9999999Z", "+10000-01-01T00:00:00Z",
                "+294276-12-31T23:59:59Z", "+295000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "-4713-11-24T00:00:00Z", "0000-01-01T00:00:00Z",
                "2026-02-30T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00-12:00",
                "2026-01-01T24:00:00Z", "not a time", "");
        int pick = r.nextInt(texts.size() + 3);
        return switch (pick - texts.size()) {
            case 0 -> JSON.numberNode(1_700_000_000_000L);
            case 1 -> JSON.nullNode();
            case 2 -> JSON.booleanNode(true);
            default -> JSON.textNode(texts.get(pick));
        };
    }

    static JsonNode confidenceEdge(Random r) {
        List<JsonNode> values = List.of(JSON.numberNode(-1e-9), JSON.numberNode(-0.0), JSON.numberNode(0), JSON.numberNode(1e-300),
                JSON.numberNode(0.5), JSON.numberNode(1), JSON.numberNode(1.0000000001), JSON.numberNode(1e308),
                JSON.numberNode(-1e308), JSON.textNode("0.5"), JSON.nullNode(), JSON.numberNode(new java.math.BigDecimal("1e400")),
                JSON.numberNode(new java.math.BigDecimal("0.99999999999999999999999")));
        return values.get(r.nextInt(values.size()));
    }

    /** A length on or next to a limit (or empty), of ASCII, 2-byte or astral (2 UTF-16 units) characters. */
    static String text(Random r, int limit) {
        int[] lengths = {0, 1, limit - 1, limit, limit + 1};
        int length = Math.max(0, lengths[r.nextInt(lengths.length)]);
        String unit = List.of("x", "é", "𝄞").get(r.nextInt(3));
        StringBuilder s = new StringBuilder(length * unit.length());
        for (int i = 0; i < length; i++) {
            s.append(unit);
        }
        return s.toString();
    }

    static UUID uuid(Random r) {
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    // --- the families --------------------------------------------------------------------------

    private static GeneratedCase timestamp(Random r) {
        JsonNode time = timeEdge(r);
        return switch (r.nextInt(3)) {
            case 0 -> events("timestamp", "occurred_at=" + time, event("ToolCalled").set("occurred_at", time));
            case 1 -> trace("timestamp", "trace valid_from=" + time, decision(r).set("valid_from", time));
            default -> granularMade("timestamp", "DecisionMade valid_from=" + time, r, made -> made.set("valid_from", time));
        };
    }

    private static GeneratedCase textLength(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> {
                String outcome = text(r, DecisionLimits.MAX_OUTCOME);
                yield trace("text-length", "outcome of " + outcome.length() + " chars", decision(r).put("outcome", outcome));
            }
            case 1 -> {
                String reasoning = text(r, DecisionLimits.MAX_REASONING);
                yield trace("text-length", "reasoning of " + reasoning.length() + " chars", decision(r).put("reasoning", reasoning));
            }
            case 2 -> {
                String content = text(r, DecisionLimits.MAX_EVIDENCE_CONTENT);
                ObjectNode decision = decision(r);
                decision.putArray("evidence").addObject().put("content", content).put("source_type", text(r, DecisionLimits.MAX_SOURCE_TYPE));
                yield trace("text-length", "evidence content of " + content.length() + " chars", decision);
            }
            case 3 -> {
                String label = text(r, DecisionLimits.MAX_LABEL);
                yield granularStep("text-length", "AlternativeConsidered label of " + label.length() + " chars", r,
                        "AlternativeConsidered", JSON.objectNode().put("label", label));
            }
            default -> {
                String type = "T" + text(r, DecisionLimits.MAX_DECISION_TYPE - 1).replace("é", "e").replace("𝄞", "q");
                yield trace("text-length", "decision_type of " + type.length() + " chars", decision(r).put("decision_type", type));
            }
        };
    }

    private static GeneratedCase nul(Random r) {
        String withNul = "before\u0000after";
        return switch (r.nextInt(6)) {
            case 0 -> events("nul", "NUL in a payload value", event("ToolCalled").set("payload", JSON.objectNode().put("v", withNul)));
            case 1 -> events("nul", "NUL in a payload key", event("ToolCalled").set("payload", JSON.objectNode().put(withNul, 1)));
            case 2 -> events("nul", "NUL in event_type", event("Tool\u0000Called"));
            case 3 -> trace("nul", "NUL in outcome", decision(r).put("outcome", withNul));
            case 4 -> trace("nul", "NUL in a metadata key", decision(r).set("metadata", JSON.objectNode().put(withNul, "x")));
            default -> granularStep("nul", "NUL in ReasoningStepCompleted", r, "ReasoningStepCompleted",
                    JSON.objectNode().put("reasoning", withNul));
        };
    }

    private static GeneratedCase unicode(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> events("unicode", "lone surrogate in a payload value", event("ToolCalled").set("payload", JSON.objectNode().put("v", SURROGATE)));
            case 1 -> events("unicode", "lone surrogate in a payload key", event("ToolCalled").set("payload", JSON.objectNode().put(SURROGATE, 1)));
            case 2 -> trace("unicode", "lone surrogate in reasoning", decision(r).put("reasoning", "a" + SURROGATE + "b"));
            case 3 -> events("unicode", "invalid UTF-8 in a payload value", event("ToolCalled").set("payload", JSON.objectNode().put("v", BAD_UTF8)));
            case 4 -> trace("unicode", "invalid UTF-8 in outcome", decision(r).put("outcome", BAD_UTF8));
            default -> events("unicode", "valid astral, noncharacter and BOM", event("ToolCalled").set("payload",
                    JSON.objectNode().put("v", "😀\uFFFF\uFEFF\u2028")));
        };
    }

    private static GeneratedCase payloadSize(Random r) {
        int delta = r.nextInt(65) - 32;
        int target = PAYLOAD_LIMIT + delta;
        // {"blob":"…"} is 11 bytes around the blob
        String blob = "x".repeat(Math.max(0, target - 11));
        if (r.nextBoolean()) {
            return events("payload-size", "payload of about " + target + " bytes", event("ToolCalled").set("payload", JSON.objectNode().put("blob", blob)));
        }
        int decisionTarget = 512 * 1024 + (r.nextInt(2001) - 1000);
        ObjectNode decision = decision(r);
        ArrayNode evidence = decision.putArray("evidence");
        int left = decisionTarget;
        while (left > 0) {
            int chunk = Math.min(left, 100_000);
            evidence.addObject().put("content", "y".repeat(chunk));
            left -= chunk + 20;
        }
        return trace("payload-size", "decision of about " + decisionTarget + " bytes", decision);
    }

    private static GeneratedCase confidence(Random r) {
        JsonNode confidence = confidenceEdge(r);
        return switch (r.nextInt(3)) {
            case 0 -> trace("confidence", "trace confidence=" + confidence, decision(r).set("confidence", confidence));
            case 1 -> {
                ObjectNode decision = decision(r);
                decision.putArray("alternatives").addObject().put("label", "a").set("score", confidence);
                yield trace("confidence", "alternative score=" + confidence, decision);
            }
            default -> granularMade("confidence", "DecisionMade confidence=" + confidence, r, made -> made.set("confidence", confidence));
        };
    }

    private static GeneratedCase nesting(Random r) {
        int[] depths = {10, DEPTH_LIMIT - 2, DEPTH_LIMIT - 1, DEPTH_LIMIT, DEPTH_LIMIT + 1, 200, 2000};
        int depth = depths[r.nextInt(depths.length)];
        JsonNode nested = JSON.numberNode(1);
        for (int i = 0; i < depth; i++) {
            nested = r.nextBoolean() ? JSON.arrayNode().add(nested) : JSON.objectNode().set("n", nested);
        }
        JsonNode value = nested;
        return r.nextBoolean()
                ? events("nesting", "payload nested " + depth + " deep", event("ToolCalled").set("payload", JSON.objectNode().set("n", value)))
                : trace("nesting", "decision metadata nested " + depth + " deep", decision(r).set("metadata", JSON.objectNode().set("n", value)));
    }

    private static GeneratedCase unknownField(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> events("unknown-field", "unknown event field", event("ToolCalled").put("occured_at", "2026-01-01T00:00:00Z"));
            case 1 -> trace("unknown-field", "unknown decision field", decision(r).put("confidance", 0.5));
            case 2 -> granularStep("unknown-field", "unknown granular payload field", r, "EvidenceGathered",
                    JSON.objectNode().put("content", "c").put("relevance", 0.5));
            case 3 -> events("unknown-field", "free payload fields are kept", event("ToolCalled").set("payload",
                    JSON.objectNode().put("__proto__", 1).put("$where", "1").put("constructor", "x")));
            default -> trace("unknown-field", "unknown top-level trace field", JSON.objectNode(), decision(r), "extra");
        };
    }

    private static GeneratedCase eventId(Random r) {
        List<JsonNode> ids = List.of(JSON.textNode(uuid(r).toString()), JSON.textNode(uuid(r).toString().toUpperCase()),
                JSON.textNode("00000000-0000-0000-0000-000000000000"), JSON.textNode("not-a-uuid"),
                JSON.textNode(uuid(r) + "0"), JSON.numberNode(42), JSON.textNode("{" + uuid(r) + "}"));
        JsonNode id = ids.get(r.nextInt(ids.size()));
        return events("event-id", "client id " + id, event("ToolCalled").set("id", id));
    }

    /** A whole granular decision with random steps, whose last steps carry edges. */
    private static GeneratedCase granular(Random r) {
        UUID decisionId = uuid(r);
        ArrayNode events = JSON.arrayNode();
        int shape = r.nextInt(6);
        String label;
        if (shape != 1) {
            events.add(granularEvent("DecisionStarted", JSON.objectNode().put("decision_type", "gen_check").put("decision_id", decisionId.toString())));
        }
        int steps = r.nextInt(4);
        for (int i = 0; i < steps; i++) {
            events.add(switch (r.nextInt(3)) {
                case 0 -> granularEvent("AlternativeConsidered", JSON.objectNode().put("label", "alt " + i).set("score", confidenceEdge(r)));
                case 1 -> granularEvent("EvidenceGathered", JSON.objectNode().put("content", "evidence " + i).put("decision_id", decisionId.toString()));
                default -> granularEvent("ReasoningStepCompleted", JSON.objectNode().put("reasoning", "step " + i));
            });
        }
        ObjectNode made = JSON.objectNode().put("outcome", "done").put("decision_id", decisionId.toString());
        switch (shape) {
            case 0 -> label = "started, " + steps + " steps, made";
            case 1 -> label = "made without a start";
            case 2 -> {
                made.set("valid_from", timeEdge(r));
                label = "made with valid_from " + made.get("valid_from");
            }
            case 3 -> {
                events.add(granularEvent("DecisionMade", made.deepCopy()));
                label = "made twice";
            }
            case 4 -> {
                events.add(granularEvent("DecisionStarted", JSON.objectNode().put("decision_type", "gen_check")));
                made.remove("decision_id");
                label = "two open, made without decision_id";
            }
            default -> {
                events.add(granularEvent("DecisionMade", made.deepCopy()));
                made.removeAll();
                made.put("revises", decisionId.toString()).put("outcome", "revised").set("valid_from", timeEdge(r));
                events.add(granularEvent("DecisionRevised", made));
                return granularCase("granular-sequence", "made, then revised with valid_from " + made.get("valid_from"), events);
            }
        }
        events.add(granularEvent("DecisionMade", made));
        return granularCase("granular-sequence", label, events);
    }

    // --- building blocks -----------------------------------------------------------------------

    private static ObjectNode event(String type) {
        return JSON.objectNode().put("event_type", type);
    }

    private static ObjectNode granularEvent(String type, ObjectNode payload) {
        ObjectNode event = event(type);
        event.set("payload", payload);
        return event;
    }

    private static ObjectNode decision(Random r) {
        return JSON.objectNode().put("decision_type", "gen_check").put("outcome", "ok" + r.nextInt(3));
    }

    private static GeneratedCase events(String family, String label, ObjectNode event) {
        ObjectNode body = JSON.objectNode();
        body.putArray("events").add(event);
        return new GeneratedCase(family, label, GeneratedCase.Target.EVENTS, bytes(body));
    }

    private static GeneratedCase granularCase(String family, String label, ArrayNode events) {
        ObjectNode body = JSON.objectNode();
        body.set("events", events);
        return new GeneratedCase(family, label, GeneratedCase.Target.EVENTS, bytes(body));
    }

    /** DecisionStarted, then DecisionMade changed by {@code edit}. */
    private static GeneratedCase granularMade(String family, String label, Random r, java.util.function.Consumer<ObjectNode> edit) {
        UUID decisionId = uuid(r);
        ArrayNode events = JSON.arrayNode();
        events.add(granularEvent("DecisionStarted", JSON.objectNode().put("decision_type", "gen_check").put("decision_id", decisionId.toString())));
        ObjectNode made = JSON.objectNode().put("outcome", "done").put("decision_id", decisionId.toString());
        edit.accept(made);
        events.add(granularEvent("DecisionMade", made));
        return granularCase(family, label, events);
    }

    /** DecisionStarted, one step, DecisionMade. */
    private static GeneratedCase granularStep(String family, String label, Random r, String stepType, ObjectNode stepPayload) {
        UUID decisionId = uuid(r);
        ArrayNode events = JSON.arrayNode();
        events.add(granularEvent("DecisionStarted", JSON.objectNode().put("decision_type", "gen_check").put("decision_id", decisionId.toString())));
        events.add(granularEvent(stepType, stepPayload.put("decision_id", decisionId.toString())));
        events.add(granularEvent("DecisionMade", JSON.objectNode().put("outcome", "done").put("decision_id", decisionId.toString())));
        return granularCase(family, label, events);
    }

    private static GeneratedCase trace(String family, String label, ObjectNode decision) {
        return trace(family, label, JSON.objectNode(), decision, null);
    }

    private static GeneratedCase trace(String family, String label, ObjectNode body, ObjectNode decision, String extraField) {
        body.set("decision", decision);
        if (extraField != null) {
            body.put(extraField, true);
        }
        return new GeneratedCase(family, label, GeneratedCase.Target.TRACE, bytes(body));
    }

    /** Writes trees deeper than Jackson's default write limit: the nesting cases go past what the APIs read. */
    private static final ObjectMapper WRITER = new ObjectMapper(
            JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build())
                    .build());

    /** Serializes, then swaps the markers for what Jackson would never write: a lone surrogate escape, bytes that are not UTF-8. */
    static byte[] bytes(JsonNode body) {
        String text;
        try {
            text = WRITER.writeValueAsString(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        text = text.replace(SURROGATE, "\\ud800");
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf(BAD_UTF8);
        if (at < 0) {
            return utf8;
        }
        byte[] marker = BAD_UTF8.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length);
        for (int i = 0; i < utf8.length; i++) {
            if (startsWith(utf8, i, marker)) {
                out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xC0, (byte) 0xAF});
                i += marker.length - 1;
            } else {
                out.write(utf8[i]);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        if (offset + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

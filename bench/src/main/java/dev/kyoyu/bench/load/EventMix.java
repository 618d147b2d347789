package dev.kyoyu.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Events as an agent sends them: tool calls with arguments, tool results and observations carrying a few
 * hundred bytes of text (with the newlines, quotes and non-ASCII characters real text has), chat messages,
 * reasoning steps and the odd error. Deterministic for a seed, so two runs send the same mix.
 */
public final class EventMix {
    /**
     * Event types and their share of the stream, in percent. A plan step is a plain event: a granular decision
     * type (ReasoningStepCompleted) must carry a decision step's payload, and ingest refuses it otherwise.
     */
    public static final List<String> TYPES = List.of(
            "ToolCalled", "ToolResult", "Observation", "Message", "PlanStepCompleted", "Error");
    private static final int[] WEIGHTS = {30, 30, 14, 12, 12, 2};

    private static final String[] WORDS = ("the applicant income debt ratio loan policy limit exceeds approved "
            + "threshold credit score history payment missed account balance monthly annual review document "
            + "section clause requires manager approval risk model estimate confidence evidence source report "
            + "customer contract renewal invoice overdue amount currency exchange rate forecast quarter revenue "
            + "supplier shipment delayed warehouse inventory stock level order cancelled refund request ticket "
            + "priority escalation support agent response time latency error retry timeout service endpoint "
            + "database query returned rows table column index migration schema version deploy release rollback "
            + "alert threshold metric dashboard incident postmortem owner team on-call weekend holiday schedule "
            + "meeting notes summary action item follow-up deadline budget cost estimate vendor quote compare "
            + "option alternative recommend because therefore however although unless whereas meanwhile "
            + "naïve café résumé déjà coöperate Zürich São Paulo 東京 データ €1,200 ±5% ≥ 0.8 – — … "
            + "with for from into over under between against within without across after before during").split(" ");
    private static final String[] TOOLS = {"search_documents", "fetch_url", "sql_query", "calculator",
            "credit_bureau_lookup", "read_file"};
    private static final String[] COLLECTIONS = {"policies", "contracts", "tickets", "wiki", "emails"};
    private static final String[] MODELS = {"gpt-4o-mini", "claude-sonnet-4", "llama-3.1-70b", "mistral-large"};
    private static final String[] ERRORS = {"TimeoutError", "RateLimited", "ToolError", "ValidationError"};

    private final SplittableRandom random;

    public EventMix(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public String nextType() {
        int roll = random.nextInt(100);
        for (int i = 0; i < WEIGHTS.length; i++) {
            roll -= WEIGHTS[i];
            if (roll < 0) {
                return TYPES.get(i);
            }
        }
        return TYPES.getLast();
    }

    public static int weightPercent(String type) {
        return WEIGHTS[TYPES.indexOf(type)];
    }

    public ObjectNode payload(String type) {
        ObjectNode p = EventJson.MAPPER.createObjectNode();
        switch (type) {
            case "ToolCalled" -> toolCalled(p);
            case "ToolResult" -> {
                p.put("tool", pick(TOOLS));
                p.put("call_id", callId());
                boolean ok = random.nextInt(100) < 95;
                p.put("status", ok ? "ok" : "error");
                p.put("duration_ms", 20 + random.nextInt(4000));
                p.put("output", text(200, 900, true));
                p.put("truncated", random.nextInt(10) == 0);
                p.put("tokens", 50 + random.nextInt(400));
            }
            case "Observation" -> {
                p.put("source", pick(new String[] {"web", "document", "database", "user"}));
                p.put("uri", "https://docs.example.com/" + pick(COLLECTIONS) + "/" + random.nextInt(100_000));
                p.put("text", text(300, 700, true));
                p.put("relevance", round(random.nextDouble()));
            }
            case "Message" -> {
                p.put("role", pick(new String[] {"assistant", "user", "system"}));
                p.put("content", text(80, 500, true));
                p.put("model", pick(MODELS));
                ObjectNode usage = p.putObject("usage");
                usage.put("prompt_tokens", 200 + random.nextInt(6000));
                usage.put("completion_tokens", 20 + random.nextInt(800));
            }
            case "PlanStepCompleted" -> {
                p.put("step", 1 + random.nextInt(30));
                p.put("thought", text(150, 450, false));
                p.put("next_action", pick(new String[] {"call_tool", "answer", "ask_user", "revise_plan"}));
                p.put("confidence", round(random.nextDouble()));
            }
            case "Error" -> {
                p.put("error_type", pick(ERRORS));
                p.put("message", text(40, 160, false));
                p.put("retryable", random.nextBoolean());
                p.put("attempt", 1 + random.nextInt(4));
            }
            default -> throw new IllegalArgumentException("no payload shape for " + type);
        }
        return p;
    }

    private void toolCalled(ObjectNode p) {
        String tool = pick(TOOLS);
        p.put("tool", tool);
        p.put("call_id", callId());
        ObjectNode args = p.putObject("arguments");
        switch (tool) {
            case "search_documents" -> {
                args.put("query", text(30, 120, false));
                args.put("top_k", new int[] {5, 10, 20}[random.nextInt(3)]);
                ObjectNode filters = args.putObject("filters");
                filters.put("collection", pick(COLLECTIONS));
                filters.put("after", "2025-" + String.format(Locale.ROOT, "%02d", 1 + random.nextInt(12)) + "-01");
            }
            case "fetch_url" -> {
                args.put("url", "https://docs.example.com/" + pick(COLLECTIONS) + "/" + random.nextInt(100_000) + "?lang=en");
                args.put("timeout_s", 30);
            }
            case "sql_query" -> {
                args.put("sql", "SELECT id, amount, status FROM loans WHERE applicant_id = 'app-" + random.nextInt(1_000_000)
                        + "' AND created_at > now() - interval '90 days' ORDER BY created_at DESC LIMIT 100");
                args.put("database", "risk");
            }
            case "calculator" -> args.put("expression", "(" + random.nextInt(100_000) + " * 0.0" + random.nextInt(10) + ") / 12");
            case "credit_bureau_lookup" -> {
                args.put("applicant_id", "app-" + random.nextInt(1_000_000));
                args.put("bureau", pick(new String[] {"experian", "equifax", "transunion"}));
                args.put("include_history", random.nextBoolean());
            }
            default -> {
                args.put("path", "/data/reports/" + pick(COLLECTIONS) + "-q" + (1 + random.nextInt(4)) + ".csv");
                args.put("max_bytes", 65536);
            }
        }
    }

    /** Sentences of random words, between {@code min} and about {@code max} characters. */
    String text(int min, int max, boolean paragraphs) {
        int target = min + random.nextInt(max - min + 1);
        StringBuilder out = new StringBuilder(target + 40);
        while (out.length() < target) {
            if (!out.isEmpty()) {
                out.append(paragraphs && random.nextInt(5) == 0 ? "\n" : " ");
            }
            int words = 6 + random.nextInt(14);
            for (int i = 0; i < words; i++) {
                String word = pick(WORDS);
                if (i == 0) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                } else {
                    out.append(random.nextInt(12) == 0 ? ", " : " ");
                }
                out.append(random.nextInt(40) == 0 ? "\"" + word + "\"" : word);
            }
            out.append(random.nextInt(8) == 0 ? "?" : ".");
        }
        return out.toString();
    }

    private String callId() {
        return "call_" + Long.toHexString(random.nextLong() & 0xffffffffffffL);
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

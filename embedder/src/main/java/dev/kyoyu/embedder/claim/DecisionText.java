package dev.kyoyu.embedder.claim;

import java.util.List;

/**
 * The text a decision is embedded as: what kind of decision, what was decided, why, and on what evidence,
 * written as a sentence because sentence-embedding models are trained on prose, not on field dumps
 * ({@code loan_approval} reads as "loan approval"). Bounded: MiniLM sees its first 256 word pieces anyway
 * (longer texts are split and averaged), and an HTTP provider's request stays small.
 */
public final class DecisionText {
    public static final int MAX_CHARS = 4000;

    private DecisionText() {
    }

    public static String of(String decisionType, String outcome, String reasoning, List<String> evidence) {
        StringBuilder text = new StringBuilder()
                .append(decisionType.replace('_', ' ').replace('.', ' '))
                .append(": ").append(outcome).append('.');
        if (reasoning != null && !reasoning.isBlank()) {
            text.append(' ').append(reasoning.strip());
        }
        if (!evidence.isEmpty()) {
            text.append(" Evidence: ").append(String.join("; ", evidence.stream().map(String::strip).toList()));
        }
        return text.length() <= MAX_CHARS ? text.toString() : text.substring(0, MAX_CHARS);
    }
}

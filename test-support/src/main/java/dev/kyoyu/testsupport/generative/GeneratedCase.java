package dev.kyoyu.testsupport.generative;

import java.nio.charset.StandardCharsets;

/**
 * One generated input for the ingest API: which validator edge it probes ({@code family}), a short
 * human label, where it is posted and the exact request body (bytes, so invalid UTF-8 can be sent).
 *
 * @param target EVENTS: {@code POST /v1/runs/{a fresh run of the agent}/events}; TRACE: {@code POST /v1/trace}
 */
public record GeneratedCase(String family, String label, Target target, byte[] body) {
    public enum Target { EVENTS, TRACE }

    @Override
    public String toString() {
        String text = new String(body, StandardCharsets.UTF_8);
        return family + " / " + label + " -> " + target + " " + (text.length() <= 300 ? text : text.substring(0, 300) + "…");
    }
}

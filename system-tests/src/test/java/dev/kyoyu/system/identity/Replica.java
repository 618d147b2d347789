package dev.kyoyu.system.identity;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import java.time.Duration;
import java.util.Map;

/**
 * One API process under test and a cheap request that needs a token: 401 when the token is refused, the route's own
 * answer otherwise. Ingest opens a run; query reads the agent's own history.
 */
record Replica(String name, HttpJson http, boolean ingest) {
    static Replica ingest(String name, int port) {
        return new Replica(name, new HttpJson(port), true);
    }

    static Replica query(String name, int port) {
        return new Replica(name, new HttpJson(port), false);
    }

    HttpJson.Response ask(String agentId, String token) {
        return ingest ? http.postJson("/v1/runs", token, Map.of("metadata", Map.of("purpose", "revocation test")))
                : http.get("/v1/agents/" + agentId + "/history", token);
    }

    boolean admits(String agentId, String token) {
        int status = ask(agentId, token).status();
        return status != 401;
    }

    /**
     * Polls until the replica refuses the token as revoked (401 naming why), at most until {@code within} after
     * {@code sinceNanos}; returns how long after {@code sinceNanos} the refusal was first seen.
     */
    Duration awaitRefusal(String agentId, String token, long sinceNanos, Duration within) {
        long[] refusedAt = {0};
        Duration left = within.minusNanos(System.nanoTime() - sinceNanos);
        Await.until(left.isNegative() ? Duration.ZERO : left, name + " refusing the revoked token", () -> {
            HttpJson.Response response = ask(agentId, token);
            if (response.status() == 401 && response.error().path("message").asText().contains("was revoked")) {
                refusedAt[0] = System.nanoTime();
                return true;
            }
            return false;
        });
        return Duration.ofNanos(refusedAt[0] - sinceNanos);
    }

    @Override
    public String toString() {
        return name;
    }
}

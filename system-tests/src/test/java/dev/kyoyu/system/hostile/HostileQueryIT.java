package dev.kyoyu.system.hostile;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, the hostile-input suite against query-api: the case table of {@link QueryCases} (every
 * answer a 4xx in the envelope naming what was wrong, no 5xx, no class name; another agent's data
 * never shown), slow clients, a burst of bad requests; afterwards both services still serve.
 */
class HostileQueryIT extends HostileSuite {
    HostileQueryIT() {
        super("query-api", "hostile-query");
    }

    @Override
    int port() {
        return stack.query.port();
    }

    @Override
    List<HostileCase> cases() {
        return new QueryCases(stack).all();
    }

    @Test
    @Order(2)
    @DisplayName("slow clients get no 5xx, and an ordinary query is answered while they hold connections")
    void slowClients() throws Exception {
        byte[] slow = Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":{\"decision_type\":\"hostile_check\"}}");
        byte[] ordinary = Endpoint.get("/v1/runs/" + stack.runA, stack.tokenA);
        SuiteRunner.slowClients(api, port(), slow, ordinary, 200);
    }

    @Test
    @Order(3)
    @DisplayName("a burst of concurrent bad requests gets only 4xx answers")
    void burst() throws Exception {
        SuiteRunner.burst(api, port(), List.of(
                Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":"),
                Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":{\"decision_type\":[null]}}"),
                Endpoint.postJson("/v1/query/temporal", stack.tokenA, "{\"as_of\":\"+295000-01-01T00:00:00Z\"}"),
                Endpoint.get("/v1/runs/not-a-uuid", stack.tokenA),
                Endpoint.get("/v1/conflicts", "forged")));
    }
}

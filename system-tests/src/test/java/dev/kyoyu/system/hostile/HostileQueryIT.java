package dev.kyoyu.system.hostile;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, the hostile-input suite against query-api: the case table of {@link QueryCases} (every
 * answer a 4xx in the envelope naming what was wrong, no 5xx, no class name; another agent's data
 * never shown), slow clients, a burst of bad requests; afterwards both services still serve.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileQueryIT {
    private static final String API = "query-api";
    private static HostileStack stack;

    @BeforeAll
    static void start() {
        stack = HostileStack.start("hostile-query");
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println(CaseCounts.table("hostile-input cases so far, by family {api=count}:"));
        stack.close();
    }

    @TestFactory
    @Order(1)
    @DisplayName("every hostile input to query-api is refused truthfully, and no answer shows another agent's data")
    Stream<DynamicTest> caseTable() {
        return SuiteRunner.tests(API, stack.query.port(), new QueryCases(stack).all());
    }

    @Test
    @Order(2)
    @DisplayName("slow clients get no 5xx, and an ordinary query is answered while they hold connections")
    void slowClients() throws Exception {
        byte[] slow = Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":{\"decision_type\":\"hostile_check\"}}");
        byte[] ordinary = Endpoint.get("/v1/runs/" + stack.runA, stack.tokenA);
        SuiteRunner.slowClients(API, stack.query.port(), slow, ordinary, 200);
    }

    @Test
    @Order(3)
    @DisplayName("a burst of concurrent bad requests gets only 4xx answers")
    void burst() throws Exception {
        SuiteRunner.burst(API, stack.query.port(), List.of(
                Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":"),
                Endpoint.postJson("/v1/query", stack.tokenA, "{\"filters\":{\"decision_type\":[null]}}"),
                Endpoint.postJson("/v1/query/temporal", stack.tokenA, "{\"as_of\":\"+295000-01-01T00:00:00Z\"}"),
                Endpoint.get("/v1/runs/not-a-uuid", stack.tokenA),
                Endpoint.get("/v1/conflicts", "forged")));
    }

    @Test
    @Order(4)
    @DisplayName("afterwards both services answer /health and an ordinary authenticated request")
    void bothServicesStillServe() {
        HostileChecks.assertServing(stack);
    }
}

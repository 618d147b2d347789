package dev.kyoyu.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Issue 11, the hostile-input suite against ingest-api: the case table of {@link IngestCases} (every
 * answer a 4xx in the envelope naming what was wrong, no 5xx, no class name or Kafka wording; writes
 * into another agent's run a 404 like a run that never existed), slow clients, a burst of bad requests;
 * afterwards nothing of A is in B's runs and the services still serve.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileIngestIT {
    private static final String API = "ingest-api";
    private static HostileStack stack;

    @BeforeAll
    static void start() {
        stack = HostileStack.start("hostile-ingest");
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println(CaseCounts.table("hostile-input cases so far, by family {api=count}:"));
        stack.close();
    }

    @TestFactory
    @Order(1)
    @DisplayName("every hostile input to ingest-api is refused truthfully")
    Stream<DynamicTest> caseTable() {
        return SuiteRunner.tests(API, stack.ingest.port(), new IngestCases(stack).all());
    }

    @Test
    @Order(2)
    @DisplayName("slow clients get no 5xx, and an ordinary request is answered while they hold connections")
    void slowClients() throws Exception {
        byte[] slow = Endpoint.postJson("/v1/runs/" + stack.runA + "/events", stack.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}");
        byte[] ordinary = Endpoint.postJson("/v1/runs", stack.tokenA, "{}");
        SuiteRunner.slowClients(API, stack.ingest.port(), slow, ordinary, 201);
    }

    @Test
    @Order(3)
    @DisplayName("a burst of concurrent bad requests gets only 4xx answers")
    void burst() throws Exception {
        SuiteRunner.burst(API, stack.ingest.port(), List.of(
                Endpoint.postJson("/v1/runs/" + stack.runA + "/events", stack.tokenA, "{\"events\":"),
                Endpoint.postJson("/auth/token", null, "{\"agent_id\":\"x\",\"api_key\":\"wrong\"}"),
                Endpoint.postJson("/v1/trace", stack.tokenA, "{\"decision\":{}}"),
                Endpoint.postJson("/v1/runs/" + stack.runB + "/events", stack.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"),
                Endpoint.postJson("/v1/runs", "forged", "{}")));
    }

    @Test
    @Order(4)
    @DisplayName("afterwards nothing A sent is stored in B's runs, and B's run is still running")
    void nothingOfAInRunsOfB() throws Exception {
        // An ordinary event of A's, stored, shows the sink has caught up with everything sent before it.
        HostileChecks.postOrdinaryEventAndAwaitStored(stack);
        assertEquals(0, stack.rowsOfAInRunsOfB(), "rows agent A wrote into B's runs");
        assertEquals(0, stack.runsOfBNoLongerRunning(), "B's run was completed or failed by someone else");
    }

    @Test
    @Order(5)
    @DisplayName("afterwards both services answer /health and an ordinary authenticated request")
    void bothServicesStillServe() {
        HostileChecks.assertServing(stack);
    }
}

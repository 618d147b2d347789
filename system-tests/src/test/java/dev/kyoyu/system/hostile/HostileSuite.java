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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the hostile-input suites of both APIs share: their own {@link HostileStack}, the case table run
 * first, and the closing check that both services still serve. A subclass names its API and its cases
 * and adds what runs in between.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HostileSuite {
    private final String stackName;
    final String api;
    HostileStack stack;

    HostileSuite(String api, String stackName) {
        this.api = api;
        this.stackName = stackName;
    }

    /** The port of the API under test. */
    abstract int port();

    abstract List<HostileCase> cases();

    @BeforeAll
    void start() {
        stack = HostileStack.start(stackName);
    }

    @AfterAll
    void stop() throws Exception {
        System.out.println(CaseCounts.table("hostile-input cases so far, by family {api=count}:"));
        stack.close();
    }

    @TestFactory
    @Order(1)
    @DisplayName("every hostile input is refused truthfully, and no answer shows another agent's data")
    Stream<DynamicTest> caseTable() {
        return SuiteRunner.tests(api, port(), cases());
    }

    @Test
    @Order(Integer.MAX_VALUE)
    @DisplayName("afterwards both services answer /health and an ordinary authenticated request")
    void bothServicesStillServe() {
        HostileChecks.assertServing(stack);
    }
}

package dev.kyoyu.testsupport.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The choice on this very machine: the suite runs on containers exactly when Testcontainers' real probe finds a
 * Docker engine (on a machine without one, the local stack), and whichever stack it is has what the tests need.
 */
class TestInfrastructureIT {
    @Test
    void theSuiteRunsOnContainersExactlyWhenTheRealProbeFindsAnEngine() {
        String requested = System.getenv(TestInfrastructure.REQUESTED) != null
                ? System.getenv(TestInfrastructure.REQUESTED)
                : System.getenv(TestInfrastructure.SETTING);
        assumeTrue(TestInfrastructure.normalized(requested).equals("auto"),
                "the stack was forced with KYOYU_TEST_INFRA=" + requested);
        boolean engine = DockerEngine.answers();
        assertEquals(engine ? TestInfrastructure.CONTAINERS : TestInfrastructure.LOCAL, TestInfrastructure.current(),
                "Testcontainers' probe says a Docker engine " + (engine ? "answers" : "does not answer"));
    }

    @Test
    void theLocalStackIsTheOneTheLauncherStarted() {
        assumeTrue(TestInfrastructure.current() == TestInfrastructure.LOCAL, "the suite runs on containers");
        assertEquals(System.getenv("KYOYU_TEST_KAFKA_BOOTSTRAP"), TestStack.kafkaBootstrap());
        assertEquals(System.getenv("KYOYU_TEST_PG_URL"), TestStack.adminPgUrl());
    }

    @Test
    void theStacksPostgresqlHasTimescaleDbAndPgvector() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            assertEquals(2, db.queryLong("SELECT count(*) FROM pg_extension WHERE extname IN ('timescaledb', 'vector')"));
        }
    }

    @Test
    void theStacksKafkaAnswersAsOneBroker() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafkaBootstrap()))) {
            Set<?> nodes = Set.copyOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertEquals(1, nodes.size());
        }
    }
}

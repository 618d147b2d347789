package dev.kyoyu.system.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryApp;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.schemas.identity.RoleRecord;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 12: a revocation published to the identity topic takes effect on every replica of both APIs within seconds.
 * Two ingest-api and two query-api replicas follow the test's own identity topic on the real broker; records are
 * published the way the admin endpoints publish them (full state under the record's topic key).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("revocation across two replicas of each API")
class RevocationAcrossReplicasIT {
    /** The bound the docs state for a replica that reaches Kafka: the follower's poll interval plus delivery. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    private final TestTokens.Key tokens = TestTokens.PRIMARY;
    private final List<String> observed = new ArrayList<>();
    private TestDatabase db;
    private Map<String, String> env;
    private final List<AutoCloseable> apps = new ArrayList<>();
    private List<Replica> replicas;
    private IdentityRecords identities;

    @BeforeAll
    void start() {
        db = TestDatabase.create();
        env = new HashMap<>(ServiceEnv.of(db, TestTopics.create("revocation", 3), TestTopics.create("revocation-dlq", 1)));
        // The test's own identity topic: the replicas create it themselves (compacted, one partition).
        String identityTopic = env.get("KYOYU_IDENTITIES_TOPIC");
        replicas = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            IngestApp ingest = IngestApp.start(IngestConfig.fromEnv(env));
            apps.add(ingest);
            replicas.add(Replica.ingest("ingest-api #" + i, ingest.port()));
            QueryApp query = QueryApp.start(QueryConfig.fromEnv(env));
            apps.add(query);
            replicas.add(Replica.query("query-api #" + i, query.port()));
        }
        identities = new IdentityRecords(TestStack.kafkaBootstrap(), identityTopic);
    }

    @AfterAll
    void stop() throws Exception {
        System.out.println("revocation delays observed (publish to first 401 seen, per replica):\n  " + String.join("\n  ", observed));
        identities.close();
        for (AutoCloseable app : apps) {
            app.close();
        }
        db.close();
    }

    private static String agentId(String what) {
        return "rev-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private void assertAdmittedEverywhere(String agentId, String token) {
        for (Replica replica : replicas) {
            HttpJson.Response response = replica.ask(agentId, token);
            assertTrue(response.status() != 401, () -> replica + " refused a token it should admit: " + response.body());
        }
    }

    /** Publishes, then waits for every replica to refuse; records and returns the slowest observed delay. */
    private Duration publishAndAwaitRefusalEverywhere(String what, dev.kyoyu.schemas.identity.IdentityRecord record,
                                                      String agentId, String token) {
        long published = System.nanoTime();
        identities.publish(record);
        Duration slowest = Duration.ZERO;
        for (Replica replica : replicas) {
            Duration delay = replica.awaitRefusal(agentId, token, published, BOUND);
            observed.add(String.format("%-28s %-14s %5d ms", what, replica, delay.toMillis()));
            slowest = delay.compareTo(slowest) > 0 ? delay : slowest;
        }
        return slowest;
    }

    @Test
    @DisplayName("revoking an agent refuses its token on both ingest-api and both query-api replicas within 5 s; others stay admitted")
    void agentRevocationReachesEveryReplica() {
        String revoked = agentId("agent");
        String bystander = agentId("bystander");
        String token = tokens.token(revoked, Role.AGENT, "k-" + revoked);
        String bystanderToken = tokens.token(bystander, Role.AGENT, "k-" + bystander);
        assertAdmittedEverywhere(revoked, token);

        Duration slowest = publishAndAwaitRefusalEverywhere("agent revoked", IdentityRecords.agent(revoked, Role.AGENT, true,
                Instant.now()), revoked, token);

        assertTrue(slowest.compareTo(BOUND) <= 0, () -> "slowest replica took " + slowest);
        assertAdmittedEverywhere(bystander, bystanderToken);
        HttpJson.Response refused = replicas.getFirst().ask(revoked, token);
        assertEquals("unauthorized", refused.error().path("code").asText().toLowerCase(), refused.body()::toString);
        assertTrue(refused.error().path("message").asText().contains("revoked"), refused.body()::toString);
    }

    @Test
    @DisplayName("rotation: tokens of an old key are refused everywhere once its overlap has ended, tokens of the new key are not")
    void rotatedOutKeyIsRefused() {
        String agent = agentId("rotated");
        String oldToken = tokens.token(agent, Role.AGENT, "old-" + agent);
        String newToken = tokens.token(agent, Role.AGENT, "new-" + agent);
        assertAdmittedEverywhere(agent, oldToken);

        identities.publish(IdentityRecords.key("new-" + agent, agent, null, null));
        publishAndAwaitRefusalEverywhere("key overlap ended", IdentityRecords.key("old-" + agent, agent,
                Instant.now().minusSeconds(1), null), agent, oldToken);

        assertAdmittedEverywhere(agent, newToken);
    }

    @Test
    @DisplayName("revoking one API key refuses the tokens traded for it on every replica")
    void revokedKeyIsRefused() {
        String agent = agentId("key");
        String token = tokens.token(agent, Role.AGENT, "k1-" + agent);
        String otherKeysToken = tokens.token(agent, Role.AGENT, "k2-" + agent);
        assertAdmittedEverywhere(agent, token);

        publishAndAwaitRefusalEverywhere("key revoked", IdentityRecords.key("k1-" + agent, agent, null, Instant.now()), agent, token);

        assertAdmittedEverywhere(agent, otherKeysToken);
    }

    @Test
    @DisplayName("changing an agent's role refuses its tokens carrying the old role; a token with the new role is admitted")
    void roleChangeRefusesTheOldRole() {
        String agent = agentId("role");
        Instant changedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(2);
        String oldRoleToken = tokens.token(agent, Role.AGENT, "k-" + agent, changedAt.minusSeconds(10));
        assertAdmittedEverywhere(agent, oldRoleToken);

        publishAndAwaitRefusalEverywhere("role changed", IdentityRecords.agent(agent, Role.READER, false, changedAt), agent, oldRoleToken);

        String newRoleToken = tokens.token(agent, Role.READER, "k-" + agent);
        for (Replica replica : replicas.stream().filter(r -> !r.ingest()).toList()) {
            assertTrue(replica.admits(agent, newRoleToken), () -> replica + " refused the token of the new role");
        }
    }

    @Test
    @DisplayName("revoking a role's tokens refuses that role's tokens issued before, on every replica; later ones and other roles pass")
    void roleRevokeTokensRefusesEarlierTokens() {
        // Reader: the other tests' tokens are agent tokens and must not be touched by this role's floor.
        String reader = agentId("reader");
        String agent = agentId("unaffected");
        Instant floor = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(2);
        String earlier = tokens.token(reader, Role.READER, "k-" + reader, floor.minusSeconds(10));
        String agentToken = tokens.token(agent, Role.AGENT, "k-" + agent, floor.minusSeconds(10));
        assertAdmittedEverywhere(reader, earlier);

        publishAndAwaitRefusalEverywhere("role tokens revoked", new RoleRecord(Role.READER, floor, floor, "admin"), reader, earlier);

        String later = tokens.token(reader, Role.READER, "k-" + reader);
        assertAdmittedEverywhere(reader, later);
        assertAdmittedEverywhere(agent, agentToken);
    }

    @Test
    @DisplayName("an unreadable identity record is skipped: the revocation after it still applies and every replica stays healthy")
    void unreadableRecordDoesNotStopTheFollower() {
        String agent = agentId("after-garbage");
        String token = tokens.token(agent, Role.AGENT, "k-" + agent);
        identities.send("agent/" + agent, "{not json".getBytes(StandardCharsets.UTF_8));
        identities.send("agent/" + agent, "{\"type\":\"spaceship\"}".getBytes(StandardCharsets.UTF_8));

        publishAndAwaitRefusalEverywhere("revoked after bad records", IdentityRecords.agent(agent, Role.AGENT, true, Instant.now()),
                agent, token);

        for (Replica replica : replicas) {
            HttpJson.Response health = replica.http().get("/health", null);
            assertEquals(200, health.status(), () -> replica + ": " + health.body());
            assertEquals("ok", health.data().path("checks").path("identities").asText(), () -> replica + ": " + health.body());
        }
    }

    @Test
    @DisplayName("a replica started after a revocation refuses the revoked token from its first request")
    void newReplicaLoadsRevocationsBeforeServing() {
        String agent = agentId("late");
        String token = tokens.token(agent, Role.AGENT, "k-" + agent);
        publishAndAwaitRefusalEverywhere("revoked before start", IdentityRecords.agent(agent, Role.AGENT, true, Instant.now()),
                agent, token);

        try (IngestApp late = IngestApp.start(IngestConfig.fromEnv(env))) {
            HttpJson.Response first = Replica.ingest("late ingest-api", late.port()).ask(agent, token);
            assertEquals(401, first.status(), first.body()::toString);
        }
    }
}

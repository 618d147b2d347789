package dev.kyoyu.ingest.admin.cli;

import dev.kyoyu.testsupport.TestTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kyoyu agents} and {@code ./kyoyu api-key} (AgentsCli) against a real ingest API and broker. */
class AgentsCliIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String ADMIN = "cli-admin-" + RUN;
    private static IngestApp app;
    private static HttpJson http;
    @TempDir
    static Path home;

    private record Outcome(int status, String out, String err) {
        String firstWord() {
            return out.strip().split("\\s+")[0];
        }
    }

    @BeforeAll
    static void start() throws IOException {
        app = IngestApp.start(IngestConfig.fromEnv(TestTokens.env(Map.of(
                "KYOYU_INGEST_PORT", "0",
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", TestTopics.create("cli-events", 1),
                "KYOYU_IDENTITIES_TOPIC", TestTopics.create("cli-identities", 1),
                "KYOYU_ID_SECRET", TestSecrets.ID))));
        http = new HttpJson(app.port());
        Files.writeString(home.resolve("admin-api-key"), TestAgents.apiKey(http, ADMIN, Role.ADMIN) + "\n");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Outcome cli(String... args) {
        return cli(home, args);
    }

    private static Outcome cli(Path kyoyuHome, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AgentsCli.run(args, Map.of("KYOYU_HOME", kyoyuHome.toString(), "KYOYU_INGEST_URL", http.baseUrl(),
                "KYOYU_ADMIN_AGENT_ID", ADMIN), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int tokenStatus(String agent, String key) {
        return http.postJson("/auth/token", null, Map.of("agent_id", agent, "api_key", key)).status();
    }

    @Test
    void anAdminManagesAnAgentFromCreationToRevocation() {
        String agent = "cli-agent-" + RUN;
        String owner = "cli-owner-" + RUN;
        Outcome created = cli("create", agent);
        assertEquals(0, created.status(), created.err());
        String firstKey = created.firstWord();
        assertTrue(firstKey.startsWith("kyoyu_"), created.out());
        assertEquals(200, tokenStatus(agent, firstKey));
        assertEquals(0, cli("create", owner, "--role", "reader").status());

        Outcome list = cli("list");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().startsWith("AGENT"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(agent + " ") && l.contains("agent") && l.contains("active")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(owner + " ") && l.contains("reader")), list.out());

        Outcome rotated = cli("rotate", agent, "--overlap", "0");
        assertEquals(0, rotated.status(), rotated.err());
        String secondKey = rotated.firstWord();
        assertEquals(401, tokenStatus(agent, firstKey), "an overlap of 0 ends the old key at once");
        assertEquals(200, tokenStatus(agent, secondKey));

        Outcome shown = cli("show", agent);
        assertEquals(0, shown.status(), shown.err());
        String secondKeyId = secondKey.split("_")[1];
        assertTrue(shown.out().lines().anyMatch(l -> l.startsWith(secondKeyId) && l.endsWith("yes")), shown.out());
        assertTrue(!shown.out().contains(secondKey), "show never shows a key");

        assertEquals(0, cli("set-role", agent, "reader").status());
        assertTrue(cli("show", agent).out().contains("reader"));
        assertEquals(0, cli("grant", agent, owner, "--until", "2999-01-01T00:00:00Z").status());
        assertEquals(0, cli("ungrant", agent, owner).status());
        Outcome again = cli("ungrant", agent, owner);
        assertEquals(1, again.status());
        assertTrue(again.err().contains("NOT_FOUND") && again.err().contains("holds no grant"), again.err());
        assertEquals(0, cli("revoke-tokens", "--role", "reader").status());
        assertEquals(0, cli("revoke", agent, "--key", secondKeyId).status());
        assertEquals(401, tokenStatus(agent, secondKey));
        Outcome revoked = cli("revoke", agent);
        assertEquals(0, revoked.status(), revoked.err());
        assertTrue(cli("list").out().lines().anyMatch(l -> l.startsWith(agent + " ") && l.contains("revoked")));
    }

    @Test
    void apiKeyPrintsAWorkingKeyFirstWhetherItCreatesTheAgentOrRotatesItsKey() {
        String agent = "cli-api-key-" + RUN;
        Outcome first = cli("api-key", agent);
        assertEquals(0, first.status(), first.err());
        assertTrue(first.firstWord().matches("kyoyu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), first.out());
        assertTrue(first.err().contains("/auth/token"), "the how-to goes to stderr");
        assertEquals(200, tokenStatus(agent, first.firstWord()));

        Outcome second = cli("api-key", agent);
        assertEquals(0, second.status(), second.err());
        assertTrue(!second.firstWord().equals(first.firstWord()));
        assertEquals(200, tokenStatus(agent, second.firstWord()));
    }

    @Test
    void refusalsAreShownAsTheApiGaveThemWithTheirExitStatus() throws IOException {
        Outcome missing = cli("show", "cli-nobody-" + RUN);
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("404 NOT_FOUND: agent cli-nobody-" + RUN + " not found (field agent_id)"), missing.err());

        Outcome badRole = cli("set-role", "cli-nobody-" + RUN, "boss");
        assertEquals(1, badRole.status());
        assertTrue(badRole.err().contains("role must be one of admin, agent, reader"), badRole.err());

        assertEquals(2, cli("rotate").status(), "a missing argument is a usage error");
        assertEquals(2, cli("frobnicate").status());
        assertEquals(2, cli("rotate", "x", "--overlap", "soon").status());

        Path empty = Files.createTempDirectory(home, "no-key");
        Outcome noKey = cli(empty, "list");
        assertEquals(3, noKey.status());
        assertTrue(noKey.err().contains("admin-api-key"), noKey.err());
    }
}

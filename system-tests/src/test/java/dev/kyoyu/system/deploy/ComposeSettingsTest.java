package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.sink.SinkConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every Kyoyu process in docker-compose.yml gets the settings its config class requires: each one's config record is
 * built from the environment compose resolves for it (with an env file made by deploy/compose/new-env.sh, the
 * documented way to make .env) plus its image's ENV, exactly as the process would at startup. Secrets reach the
 * file only through ${VARIABLES}, each service gets only the secrets the local stack gives it, and a missing or
 * wrong value is refused.
 */
class ComposeSettingsTest {
    private static final Path ENV_FILE = ComposeEnvFiles.generated();
    private static final ComposeModel COMPOSE = new ComposeModel(DockerCompose.config(ENV_FILE).resolved());
    private static final DockerfileModel DOCKERFILE = DockerfileModel.read();
    /** Names deploy/local/lib.sh's is_secret_name treats as secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|SIGNING_KEY|PRIVATE_KEY|_API_KEY).*");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):\\?[^}]+}");

    /** Compose service to the module whose config it loads (the Dockerfile target it runs). */
    private static final Map<String, String> PROCESSES = new LinkedHashMap<>();

    static {
        PROCESSES.putAll(ComposeModel.KYOYU_SERVICES);
        PROCESSES.put("admin-bootstrap", "ingest-api"); // BootstrapAdmin loads IngestConfig
    }

    @Test
    void everyKyoyuProcessBuildsItsConfigFromWhatComposeGivesIt() {
        Map<String, String> failures = new TreeMap<>();
        PROCESSES.forEach((service, module) -> {
            try {
                ServiceConfigs.BY_MODULE.get(module).accept(processEnvironment(service, module));
            } catch (ConfigException e) {
                failures.put(service, e.getMessage());
            }
        });
        try {
            ServiceConfigs.AGENTS_CLI.accept(processEnvironment("agents", "ingest-api"));
        } catch (ConfigException e) {
            failures.put("agents", e.getMessage());
        }
        assertEquals(Map.of(), failures);
        Set<String> covered = new TreeSet<>(PROCESSES.values());
        assertEquals(ServiceConfigs.BY_MODULE.keySet(), covered, "every service module runs somewhere in compose");
    }

    /** A misspelt setting would be silently ignored by the service: compose sets only settings that are read. */
    @Test
    void composeSetsNoKyoyuSettingItsProcessDoesNotRead() {
        Map<String, Set<String>> unread = new TreeMap<>();
        PROCESSES.forEach((service, module) -> check(unread, service, ServiceConfigs.BY_MODULE.get(module), Set.of()));
        check(unread, "agents", ServiceConfigs.AGENTS_CLI, Set.of());
        check(unread, "migrate", env -> { }, Set.of("KYOYU_PG_URL", "KYOYU_PG_USER", "KYOYU_PG_PASSWORD")); // MigrateMain's three
        assertEquals(Map.of(), unread);
    }

    @Test
    void eachProcessGetsOnlyTheSecretsTheLocalStackGivesItsService() {
        Map<String, Set<String>> allowed = localStackSecrets();
        Map<String, Set<String>> extra = new TreeMap<>();
        Map<String, String> modules = new LinkedHashMap<>(PROCESSES);
        modules.put("migrate", "sink-worker");
        modules.put("agents", "agents");
        modules.forEach((service, module) -> {
            Set<String> secrets = COMPOSE.environment(service).keySet().stream().filter(n -> SECRET_NAME.matcher(n).matches())
                    .collect(Collectors.toCollection(TreeSet::new));
            secrets.removeAll(allowed.getOrDefault(module, Set.of()));
            if (!secrets.isEmpty()) {
                extra.put(service, secrets);
            }
        });
        assertEquals(Map.of(), extra, "secrets a process gets beyond deploy/local/lib.sh's service_secrets");
        assertEquals(Set.of(), COMPOSE.environment("decision-stream").keySet().stream()
                .filter(n -> SECRET_NAME.matcher(n).matches()).collect(Collectors.toSet()));
    }

    @Test
    void secretsReachTheComposeFileOnlyThroughRequiredVariables() {
        List<String> inline = new ArrayList<>();
        Pattern entry = Pattern.compile("^\\s+([A-Z][A-Z0-9_]*):\\s*(.*)$");
        List<String> lines = Checkout.lines("docker-compose.yml");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = entry.matcher(lines.get(i));
            if (m.matches() && SECRET_NAME.matcher(m.group(1)).matches() && !REQUIRED_VARIABLE.matcher(m.group(2)).matches()) {
                inline.add("docker-compose.yml:" + (i + 1) + " " + m.group(1));
            }
        }
        assertEquals(List.of(), inline, "a secret set other than as ${NAME:?message}");
        String committed = Checkout.read("docker-compose.yml") + Checkout.read(".env.example")
                + Checkout.read("deploy/compose/postgres-init.sh") + Checkout.read("deploy/compose/pgbouncer.ini");
        ComposeEnvFiles.read(ENV_FILE).forEach((name, value) -> assertFalse(committed.contains(value), name + "'s value is committed"));
    }

    @Test
    void theExampleEnvFileHasAPlaceholderForExactlyTheVariablesComposeRequires() {
        Set<String> required = new TreeSet<>();
        Matcher m = REQUIRED_VARIABLE.matcher(Checkout.read("docker-compose.yml"));
        while (m.find()) {
            required.add(m.group(1));
        }
        Map<String, String> example = ComposeEnvFiles.read(ComposeEnvFiles.EXAMPLE);
        assertEquals(required, new TreeSet<>(example.keySet()));
        example.forEach((name, value) -> assertEquals("CHANGE-ME", value, name + " in .env.example must be a placeholder"));
        assertEquals(required, new TreeSet<>(ComposeEnvFiles.read(ENV_FILE).keySet()), "deploy/compose/new-env.sh writes another set");
        assertTrue(Checkout.lines(".gitignore").contains(".env"), ".env (the real secrets) must be git-ignored");
    }

    /** Nobody runs the example's placeholders by mistake: the services refuse them. */
    @Test
    void theExamplesPlaceholdersAreRefusedAtStartup() {
        ComposeModel example = new ComposeModel(DockerCompose.config(ComposeEnvFiles.EXAMPLE).resolved());
        ConfigException refused = assertThrows(ConfigException.class,
                () -> IngestConfig.fromEnv(example.environment("ingest-api-1")));
        assertTrue(refused.getMessage().contains("KYOYU_TOKEN_SIGNING_KEY") && refused.getMessage().contains("KYOYU_ID_SECRET"),
                refused.getMessage());
    }

    @Test
    void composeRefusesToResolveTheFileWithoutARequiredSecret() {
        DockerCompose.Result result = DockerCompose.config(ComposeEnvFiles.without(ENV_FILE, "KYOYU_ID_SECRET"));
        assertNotEquals(0, result.exitCode(), "docker-compose config accepted an env file without KYOYU_ID_SECRET");
        assertTrue(result.stderr().contains("KYOYU_ID_SECRET"), result.stderr());
    }

    /** The check above could fail: a process missing a required setting, or given a bad value, is refused. */
    @Test
    void aMissingRequiredSettingOrABadValueFailsTheConfig() {
        Map<String, String> ingest = new HashMap<>(processEnvironment("ingest-api-1", "ingest-api"));
        ingest.remove("KYOYU_KAFKA_BOOTSTRAP");
        ConfigException missing = assertThrows(ConfigException.class, () -> IngestConfig.fromEnv(ingest));
        assertTrue(missing.getMessage().contains("KYOYU_KAFKA_BOOTSTRAP"), missing.getMessage());

        Map<String, String> sink = new HashMap<>(processEnvironment("sink-worker", "sink-worker"));
        sink.put("KYOYU_SINK_BATCH_MAX_EVENTS", "0");
        ConfigException bad = assertThrows(ConfigException.class, () -> SinkConfig.fromEnv(sink));
        assertTrue(bad.getMessage().contains("KYOYU_SINK_BATCH_MAX_EVENTS"), bad.getMessage());
    }

    /** What the process sees: its image's ENV, overridden by the environment compose gives the container. */
    private static Map<String, String> processEnvironment(String service, String target) {
        Map<String, String> env = new HashMap<>(DOCKERFILE.environment(target));
        env.putAll(COMPOSE.environment(service));
        return env;
    }

    private static void check(Map<String, Set<String>> unread, String service, Consumer<Map<String, String>> loader, Set<String> alsoRead) {
        Map<String, String> env = COMPOSE.environment(service);
        Set<String> read = ServiceConfigs.settingsRead(loader, env).stream().map(SettingRead::name).collect(Collectors.toSet());
        Set<String> extra = env.keySet().stream().filter(n -> n.startsWith("KYOYU_") && !read.contains(n) && !alsoRead.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!extra.isEmpty()) {
            unread.put(service, extra);
        }
    }

    /** deploy/local/lib.sh's service_secrets: service (pattern) to the secrets ./kyoyu hands it. */
    private static Map<String, Set<String>> localStackSecrets() {
        Map<String, Set<String>> secrets = new TreeMap<>();
        Pattern line = Pattern.compile("^\\s*([a-z*| -]+)\\)\\s*printf '%s\\\\n' ([A-Z0-9_ ]+) ;;$");
        for (String text : Checkout.shellFunctionBody("deploy/local/lib.sh", "service_secrets")) {
            Matcher m = line.matcher(text);
            if (m.matches()) {
                for (String service : m.group(1).split("\\|")) {
                    secrets.put(service.strip(), new TreeSet<>(List.of(m.group(2).strip().split("\\s+"))));
                }
            }
        }
        assertFalse(secrets.isEmpty(), "no service_secrets in deploy/local/lib.sh");
        return secrets;
    }
}

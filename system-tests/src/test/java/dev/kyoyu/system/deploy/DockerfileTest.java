package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.system.deploy.DockerfileModel.Stage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The root Dockerfile builds every service the way ./kyoyu runs it, on the pinned base images, as a non-root user
 * with a health check. No Docker engine runs here, so this reads the file; nothing is built.
 */
class DockerfileTest {
    private static final String ENTRYPOINT = "[\"/bin/sh\", \"/opt/kyoyu/bin/kyoyu-java\"]";
    /** How a health check ends: the probe without arguments, so it reads KYOYU_HEALTH_PORT_SETTING and …_DEFAULT. */
    private static final List<String> PROBE_WITHOUT_ARGUMENTS = List.of("-cp", "/opt/kyoyu/health", "HealthProbe");
    private final DockerfileModel dockerfile = DockerfileModel.read();
    private final Map<String, String> pins = Checkout.pinnedImages();

    @Test
    void theBuildAndRuntimeStagesUseThePinnedImages() {
        Stage build = dockerfile.stage("build").orElseThrow(() -> new AssertionError("no build stage"));
        Stage runtime = dockerfile.stage("runtime").orElseThrow(() -> new AssertionError("no runtime stage"));
        assertEquals(pins.get("java.build"), build.base());
        assertEquals(pins.get("java.runtime"), runtime.base());
        List<String> unpinned = dockerfile.stages().stream().map(Stage::base)
                .filter(base -> dockerfile.stage(base).isEmpty() && !pins.containsValue(base)).toList();
        assertEquals(List.of(), unpinned, "FROM images that deploy/images.properties does not pin");
    }

    @Test
    void theBuildStagesMavenIsTheOneTheWrapperPins() {
        Matcher wrapper = Pattern.compile("apache-maven-([0-9.]+)-bin\\.zip").matcher(Checkout.read(".mvn/wrapper/maven-wrapper.properties"));
        assertTrue(wrapper.find(), "no Maven version in .mvn/wrapper/maven-wrapper.properties");
        assertTrue(pins.get("java.build").startsWith("maven:" + wrapper.group(1) + "-"),
                "java.build (" + pins.get("java.build") + ") runs another Maven than ./mvnw (" + wrapper.group(1) + ")");
    }

    @Test
    void everyModuleOfTheParentPomHasItsPomCopiedBeforeTheSources() {
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Checkout.read("pom.xml"));
        Set<String> expected = new TreeSet<>();
        while (modules.find()) {
            expected.add("COPY " + modules.group(1) + "/pom.xml " + modules.group(1) + "/");
        }
        List<String> copies = dockerfile.stage("build").orElseThrow().all("COPY").stream().map(c -> "COPY " + c).toList();
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(copies);
        assertEquals(Set.of(), missing, "Maven refuses a reactor whose module poms are missing");
    }

    @Test
    void eachServiceTargetRunsTheLaunchersMainClassOnItsOwnJarAndLibraries() {
        Map<String, String> mains = Checkout.launcherMainClasses();
        List<String> problems = new ArrayList<>();
        for (String module : ServiceConfigs.BY_MODULE.keySet()) {
            Stage target = dockerfile.stage(module).orElse(null);
            if (target == null) {
                problems.add("no target " + module);
                continue;
            }
            if (!"runtime".equals(target.base())) {
                problems.add(module + " is not built on the runtime stage");
            }
            String main = dockerfile.environment(module).get("KYOYU_SERVICE_MAIN");
            if (!mains.get(module).equals(main)) {
                problems.add(module + " KYOYU_SERVICE_MAIN " + main + ", ./kyoyu runs " + mains.get(module));
            }
            // Given no main class, the entrypoint runs KYOYU_SERVICE_MAIN (EntrypointTest): so no CMD may name one.
            String entrypoint = dockerfile.inherited(module, "ENTRYPOINT").orElse("");
            Optional<String> cmd = dockerfile.inherited(module, "CMD");
            if (!entrypoint.equals(ENTRYPOINT) || cmd.isPresent()) {
                problems.add(module + " runs ENTRYPOINT " + entrypoint + " CMD " + cmd.orElse("") + ", not " + ENTRYPOINT + " alone");
            }
            List<String> copies = target.all("COPY");
            if (!copies.contains("--from=build /src/" + module + "/target/" + module + ".jar /opt/kyoyu/app/service.jar")
                    || !copies.contains("--from=build /src/" + module + "/target/lib/ /opt/kyoyu/app/lib/")) {
                problems.add(module + " does not copy its own target/" + module + ".jar and target/lib: " + copies);
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Each target's health check (the runtime stage's) probes the port setting the service reads, as the image's
     * environment names it, and the target listens beyond loopback. HealthProbeTest runs that check per target.
     */
    @Test
    void eachServiceTargetChecksItsHealthOnThePortItsConfigReads() {
        List<String> problems = new ArrayList<>();
        ServiceConfigs.BY_MODULE.forEach((module, loader) -> {
            Stage target = dockerfile.stage(module).orElseThrow();
            Map<String, SettingRead> reads = ServiceConfigs.settingsRead(loader, Map.of()).stream()
                    .collect(Collectors.toMap(SettingRead::name, r -> r, (a, b) -> a));
            List<String> probe = dockerfile.healthCommand(module);
            boolean runsTheProbe = probe.size() > PROBE_WITHOUT_ARGUMENTS.size() && probe.getFirst().equals("java")
                    && probe.subList(probe.size() - PROBE_WITHOUT_ARGUMENTS.size(), probe.size()).equals(PROBE_WITHOUT_ARGUMENTS);
            if (!runsTheProbe) {
                problems.add(module + " health check runs " + probe + ", not java … " + PROBE_WITHOUT_ARGUMENTS);
            }
            Map<String, String> env = dockerfile.environment(module);
            String setting = env.get("KYOYU_HEALTH_PORT_SETTING");
            String defaultPort = env.get("KYOYU_HEALTH_PORT_DEFAULT");
            SettingRead port = reads.get(setting);
            if (port == null || port.kind() != SettingRead.Kind.PORT || defaultPort == null || !defaultPort.equals(port.defaultValue())) {
                problems.add(module + " probes " + setting + " (default " + defaultPort + "), its config reads " + port);
            }
            if (!target.all("EXPOSE").contains(defaultPort)) {
                problems.add(module + " does not EXPOSE " + defaultPort);
            }
            List<String> hosts = env.keySet().stream().filter(name -> name.endsWith("_HOST")).toList();
            if (hosts.size() != 1 || !reads.containsKey(hosts.getFirst()) || !"0.0.0.0".equals(env.get(hosts.getFirst()))) {
                problems.add(module + " image sets listen address " + hosts + ", not the one setting its config reads, to 0.0.0.0");
            }
        });
        assertEquals(List.of(), problems);
    }

    /** What every service shares is written once: a target that set its own start or health check would be a copy. */
    @Test
    void theRuntimeStageAloneSetsTheStartAndTheHealthCheck() {
        List<String> problems = new ArrayList<>();
        for (String module : ServiceConfigs.BY_MODULE.keySet()) {
            Stage target = dockerfile.stage(module).orElseThrow();
            for (String keyword : List.of("ENTRYPOINT", "CMD", "HEALTHCHECK")) {
                if (!target.all(keyword).isEmpty()) {
                    problems.add(module + " sets its own " + keyword);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theImagesRunAsANumericNonRootUser() {
        Stage runtime = dockerfile.stage("runtime").orElseThrow();
        String user = runtime.last("USER").orElse("");
        assertTrue(user.matches("[1-9][0-9]*:[1-9][0-9]*"), "USER " + user + " is not a numeric non-root uid:gid");
        for (String module : ServiceConfigs.BY_MODULE.keySet()) {
            assertTrue(dockerfile.stage(module).orElseThrow().all("USER").isEmpty(), module + " changes the user");
        }
    }

    /** A COPY of a file the context lacks (missing, or left out by .dockerignore) fails only at build time. */
    @Test
    void everyFileTheBuildCopiesIsInTheBuildContext() {
        List<String> ignoredDirs = Checkout.lines(".dockerignore").stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && line.endsWith("/") && !line.startsWith("**")).toList();
        List<String> problems = new ArrayList<>();
        for (Stage stage : dockerfile.stages()) {
            for (String copy : stage.all("COPY")) {
                List<String> words = List.of(copy.split(" "));
                if (words.getFirst().startsWith("--from=")) {
                    continue;
                }
                for (String source : words.subList(0, words.size() - 1)) {
                    if (!Files.exists(Checkout.path(source))) {
                        problems.add(source + " does not exist");
                    } else if (ignoredDirs.stream().anyMatch(source::startsWith)) {
                        problems.add(source + " is left out by .dockerignore");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theBuildContextLeavesOutStateBuildOutputAndSecrets() {
        List<String> ignored = Checkout.lines(".dockerignore");
        for (String entry : List.of(".git", ".kyoyu/", "**/target/", ".env")) {
            assertTrue(ignored.contains(entry), ".dockerignore lacks " + entry);
        }
    }
}

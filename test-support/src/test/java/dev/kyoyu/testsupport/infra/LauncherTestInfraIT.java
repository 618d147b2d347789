package dev.kyoyu.testsupport.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kyoyu test}'s half of the rule ({@code ./kyoyu test-infra} prints it): whether it starts the local
 * Kafka and PostgreSQL. A fake {@code docker} first on the PATH plays an engine that answers or does not.
 */
class LauncherTestInfraIT {
    @TempDir
    Path bin;

    private record Outcome(int status, String out, String err) {
    }

    @Test
    void autoChoosesContainersWhenDockerInfoSucceeds() throws Exception {
        assertEquals(new Outcome(0, "containers", ""), launcher("auto", true));
    }

    @Test
    void autoChoosesTheLocalStackWhenDockerInfoFails() throws Exception {
        assertEquals(new Outcome(0, "local", ""), launcher("auto", false));
        assertEquals(new Outcome(0, "local", ""), launcher(null, false));
    }

    @Test
    void anExplicitChoiceIsHonouredWhateverDockerSays() throws Exception {
        assertEquals(new Outcome(0, "local", ""), launcher("local", true));
        // With no engine the tests themselves then refuse, saying why (TestInfrastructure.choose).
        assertEquals(new Outcome(0, "containers", ""), launcher("containers", false));
    }

    @Test
    void anUnknownChoiceStopsTheLauncherNamingTheAllowedValues() throws Exception {
        Outcome outcome = launcher("docker", true);
        assertNotEquals(0, outcome.status());
        assertTrue(outcome.err().contains("KYOYU_TEST_INFRA must be auto, local or containers, not 'docker'"), outcome.err());
    }

    private Outcome launcher(String setting, boolean engineAnswers) throws IOException, InterruptedException {
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\nexit " + (engineAnswers ? 0 : 1) + "\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(TestStack.stackDir(), "kyoyu").toString(), "test-infra");
        builder.environment().remove(TestInfrastructure.SETTING);
        if (setting != null) {
            builder.environment().put(TestInfrastructure.SETTING, setting);
        }
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Path err = Files.createTempFile(bin, "err", ".txt");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "./kyoyu test-infra did not finish");
        return new Outcome(process.exitValue(), out, Files.readString(err).strip());
    }
}

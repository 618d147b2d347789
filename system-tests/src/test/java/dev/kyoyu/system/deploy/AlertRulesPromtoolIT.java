package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * promtool (Debian's prometheus package, fetched by deploy/local/promtool.sh; ./kyoyu test sets
 * KYOYU_TEST_PROMTOOL) accepts the alerting rules and passes their unit tests.
 */
class AlertRulesPromtoolIT {
    private static final long TIMEOUT_SECONDS = 300;

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Result check = promtool("check", "rules", DeployFiles.ALERTS.toString());
        assertEquals(0, check.exit(), "promtool check rules failed:\n" + check.output());
        assertTrue(check.output().contains("SUCCESS: " + AlertRulesTest.ISSUE_ALERTS.size() + " rules found"), check.output());
    }

    @Test
    void theRulesPassTheirPromtoolUnitTests() throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        DeployFiles.ALERT_TESTS.forEach(f -> args.add(f.toString()));
        Result test = promtool(args.toArray(String[]::new));
        assertEquals(0, test.exit(), "promtool test rules failed:\n" + test.output());
    }

    private record Result(int exit, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtoolPath());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(DeployFiles.PROMETHEUS.toFile()).redirectErrorStream(true).start();
        // promtool prints little; reading it all before waiting cannot block on a full pipe.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), output);
    }

    private static String promtoolPath() {
        String path = System.getenv("KYOYU_TEST_PROMTOOL");
        if (path == null || path.isBlank() || !Path.of(path).toFile().canExecute()) {
            throw new IllegalStateException("KYOYU_TEST_PROMTOOL is not set to promtool: run the tests through ./kyoyu test, "
                    + "or set KYOYU_TEST_PROMTOOL=$(deploy/local/promtool.sh path)");
        }
        return path;
    }
}

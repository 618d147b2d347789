package dev.kyoyu.query;

import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.infra.TestInfrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real streaming replica of the shared test cluster, run by {@code deploy/local/replica.sh} under a name and
 * port of this test's own, so the test never stops a developer's replica. A streaming replica copies the whole
 * cluster, every test database included. {@link #close()} stops it (by its pid) and deletes its copy.
 */
final class StreamingReplica implements AutoCloseable {
    /** The first start copies the whole cluster, which on a developer's machine may hold gigabytes. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path script;
    private final String name;
    private final int port;
    private final URI primary;

    private StreamingReplica(Path script, String name, int port, URI primary) {
        this.script = script;
        this.name = name;
        this.port = port;
        this.primary = primary;
    }

    /** Copies the cluster behind {@link TestStack#directAdminPgUrl()} (never a pooler) and starts streaming from it. */
    static StreamingReplica start() {
        TestInfrastructure.assumeLocal("A streaming replica");
        Path script = Path.of(TestStack.stackDir(), "deploy/local/replica.sh").toAbsolutePath();
        URI primary = URI.create(TestStack.directAdminPgUrl().substring("jdbc:".length()));
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        StreamingReplica replica = new StreamingReplica(script, "it-" + HexFormat.of().formatHex(suffix), freePort(), primary);
        try {
            replica.startAgain();
        } catch (RuntimeException | Error e) {
            replica.close();
            throw e;
        }
        return replica;
    }

    /** The same database on the replica as {@code primaryUrl} names on the primary. */
    String urlOf(String primaryUrl) {
        return primaryUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/");
    }

    void startAgain() {
        run(START_TIMEOUT, "start");
    }

    /** Fast shutdown through the script, which signals only the postmaster whose pid it recorded. */
    void stop() {
        run(COMMAND_TIMEOUT, "stop");
    }

    long pid() {
        return Long.parseLong(run(COMMAND_TIMEOUT, "pid").strip());
    }

    @Override
    public void close() {
        run(COMMAND_TIMEOUT, "purge");
    }

    private String run(Duration timeout, String command) {
        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString(), command));
        builder.environment().put("KYOYU_PG_PORT", Integer.toString(primary.getPort()));
        builder.environment().put("KYOYU_PG_USER", TestStack.pgUser());
        builder.environment().put("KYOYU_PG_REPLICA_NAME", name);
        builder.environment().put("KYOYU_PG_REPLICA_PORT", Integer.toString(port));
        builder.redirectErrorStream(true);
        try {
            Path output = Files.createTempFile("replica-" + command, ".log");
            builder.redirectOutput(output.toFile());
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("replica.sh " + command + " did not finish within " + timeout + ": "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            if (process.exitValue() != 0) {
                throw new AssertionError("replica.sh " + command + " failed (exit status " + process.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running replica.sh " + command, e);
        }
    }

    /** A port below Linux's ephemeral range (32768+), where client sockets never land, free right now. */
    private static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20000 + RANDOM.nextInt(12000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found for the replica");
    }
}

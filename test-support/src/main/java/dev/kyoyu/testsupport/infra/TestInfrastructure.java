package dev.kyoyu.testsupport.infra;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests' Kafka and PostgreSQL come from, chosen once per test JVM from {@value #SETTING}
 * ({@code auto}, {@code local} or {@code containers}; {@code auto} when unset): {@code auto} is
 * {@link #CONTAINERS} when a Docker engine answers and {@link #LOCAL} otherwise. {@code ./kyoyu test} resolves
 * {@code auto} before Maven starts (it must know whether to start the local Kafka and PostgreSQL) and passes
 * the answer down in the same variable; a Maven run without the launcher resolves it here.
 */
public enum TestInfrastructure {
    /** Kafka and PostgreSQL that deploy/local's scripts run; {@code ./kyoyu test} exports their addresses. */
    LOCAL,
    /** Testcontainers' Kafka and PostgreSQL (TimescaleDB and pgvector), started once per test JVM. */
    CONTAINERS;

    public static final String SETTING = "KYOYU_TEST_INFRA";
    /** What the developer asked {@code ./kyoyu test} for, before it resolved {@code auto}. */
    public static final String REQUESTED = "KYOYU_TEST_INFRA_REQUESTED";

    private static TestInfrastructure chosen;
    private static RuntimeException refusal;

    /**
     * The rule.
     *
     * @param setting       the value of {@value #SETTING}, or null when it is unset
     * @param dockerAnswers whether a Docker engine answers; asked only when the setting needs the answer
     */
    public static TestInfrastructure choose(String setting, BooleanSupplier dockerAnswers) {
        return switch (normalized(setting)) {
            case "local" -> LOCAL;
            case "auto" -> dockerAnswers.getAsBoolean() ? CONTAINERS : LOCAL;
            case "containers" -> {
                if (!dockerAnswers.getAsBoolean()) {
                    throw new IllegalStateException(SETTING + "=containers, but no Docker engine answers (Testcontainers "
                            + "looked at DOCKER_HOST, ~/.testcontainers.properties and the usual sockets): start one, "
                            + "or run the tests on the local stack with " + SETTING + "=local or auto");
                }
                yield CONTAINERS;
            }
            default -> throw new IllegalArgumentException(
                    SETTING + " must be auto, local or containers, not '" + setting + "'");
        };
    }

    /** The lower-case setting, {@code auto} when unset. */
    static String normalized(String setting) {
        return setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
    }

    /** This JVM's choice, made on first use from the environment and the real Docker probe; a refusal repeats. */
    public static synchronized TestInfrastructure current() {
        if (chosen == null && refusal == null) {
            try {
                chosen = choose(System.getenv(SETTING), DockerEngine::answers);
            } catch (RuntimeException e) {
                refusal = e;
            }
        }
        if (refusal != null) {
            throw new IllegalStateException(refusal.getMessage(), refusal);
        }
        return chosen;
    }

    /**
     * Skips the calling test under {@link #CONTAINERS}: what it drives (an isolated instance started by
     * {@code ./kyoyu}, a streaming replica by deploy/local's script) exists only on the local stack.
     */
    public static void assumeLocal(String what) {
        assumeLocal(current(), what);
    }

    static void assumeLocal(TestInfrastructure chosen, String what) {
        Assumptions.assumeTrue(chosen == LOCAL, () -> what + " runs processes of its own through deploy/local's "
                + "scripts, which the containers test stack does not use; skipped on " + SETTING + "=containers");
    }
}

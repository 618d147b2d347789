package dev.kyoyu.testsupport;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secrets used only by tests, generated per JVM (none is written in the repository), long enough for the
 * services' startup checks. A test hands them to the services it starts, in process or as a child's environment.
 */
public final class TestSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Keys run-id owner tags and Idempotency-Key ids (KYOYU_ID_SECRET). */
    public static final String ID = random();

    private TestSecrets() {
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

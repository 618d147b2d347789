package dev.kyoyu.testsupport;

/** Secrets used only by tests, long enough for the services' startup checks. */
public final class TestSecrets {
    /** Keys run-id owner tags and Idempotency-Key ids (KYOYU_ID_SECRET). */
    public static final String ID = "test-id-secret-0123456789abcdef0123456789ab";

    private TestSecrets() {
    }
}

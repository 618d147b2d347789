package dev.kyoyu.testsupport;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Test JVMs log to a file (test-support's logback-test.xml), not the console; this extension, registered for
 * every test through the service loader, makes a failure name that file, and sends java.util.logging (Liquibase,
 * Helidon) to it as well.
 */
public final class TestLogFile implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    /** Where logback-test.xml writes; the build sets it per module and phase. */
    static final Path FILE = Path.of(System.getProperty("kyoyu.test.log", "target/test-logs/tests.log")).toAbsolutePath();

    static {
        bridgeJavaLogging();
    }

    /** Sends java.util.logging to the log file; for tests another engine runs (jqwik), where this extension is not loaded. */
    public static synchronized void bridgeJavaLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** The note a failure carries: shown under the failure's stack trace as "Suppressed". */
    static final class SeeLog extends Exception {
        SeeLog() {
            super("the log of this test JVM is " + FILE, null, false, false);
        }

        /** Printed after "Suppressed:" under the failure; the class name would only be noise. */
        @Override
        public String toString() {
            return getMessage();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(failure);
    }

    private static Throwable noted(Throwable failure) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof SeeLog) {
                return failure;
            }
        }
        failure.addSuppressed(new SeeLog());
        return failure;
    }
}

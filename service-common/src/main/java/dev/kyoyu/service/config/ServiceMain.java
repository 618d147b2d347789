package dev.kyoyu.service.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The shared shape of every {@code main}: route JUL (Helidon, Liquibase) into SLF4J, start the service,
 * close it on SIGTERM (exit 0 when that went cleanly, 1 otherwise), and turn a configuration error
 * into exit code 2 with every problem listed. The service's own non-daemon threads keep it running.
 */
public final class ServiceMain {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

    /** Starts a service from the environment; the returned handle stops it. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws Exception;
    }

    private ServiceMain() {
    }

    public static void run(String name, Starter starter) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        AutoCloseable service;
        try {
            service = starter.start();
        } catch (ConfigException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            LOG.error("{} failed to start", name, e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", name);
            int status = 0;
            try {
                service.close();
                LOG.info("{} stopped cleanly", name);
            } catch (Exception e) {
                LOG.error("{} did not stop cleanly", name, e);
                status = 1;
            }
            // A JVM ended by SIGTERM exits 143 even after a clean shutdown; say how it really went.
            Runtime.getRuntime().halt(status);
        }, name + "-shutdown"));
        LOG.info("{} started", name);
    }
}

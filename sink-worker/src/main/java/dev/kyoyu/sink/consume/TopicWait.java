package dev.kyoyu.sink.consume;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for topics another service creates. A consumer that subscribes to a topic before it exists only
 * notices it at its next full metadata refresh (minutes), so a loop whose topics may not exist yet waits first.
 */
final class TopicWait {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWait.class);

    private TopicWait() {
    }

    /** Returns true once every topic exists; false when {@code running} turns false (or the thread is interrupted) first. */
    static boolean until(KafkaConsumer<?, ?> consumer, List<String> topics, BooleanSupplier running, Runnable waiting) {
        boolean logged = false;
        while (running.getAsBoolean()) {
            try {
                if (consumer.listTopics(Duration.ofSeconds(10)).keySet().containsAll(topics)) {
                    return true;
                }
            } catch (TimeoutException e) {
                LOG.debug("cannot list topics yet: {}", e.toString());
            }
            waiting.run();
            if (!logged) {
                LOG.info("waiting for topics {} to exist", topics);
                logged = true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}

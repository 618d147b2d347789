package dev.kyoyu.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision stream as ./kyoyu runs it: its own process, healthy on its port, exit 0 on SIGTERM. */
class StreamProcessIT {
    @Test
    @DisplayName("StreamMain creates its topics, reports healthy and stops cleanly on SIGTERM")
    void runsAsItsOwnProcess(@TempDir Path stateDir) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", TestTopics.create("dsp-events", 1),
                "KYOYU_DECISIONS_TOPIC", "test.dsp-decisions." + suffix,
                "KYOYU_CONFLICTS_TOPIC", "test.dsp-conflicts." + suffix,
                "KYOYU_DECISIONS_REJECTED_TOPIC", "test.dsp-rejected." + suffix,
                "KYOYU_STREAM_TOPIC_PARTITIONS", "1",
                "KYOYU_STREAM_APPLICATION_ID", "dsp-it-" + suffix,
                "KYOYU_STREAM_STATE_DIR", stateDir.toString());
        try (ChildProcess child = ChildProcess.java(StreamMain.class).heap("256m").env(env).httpPort("KYOYU_STREAM_PORT").startHealthy()) {
            assertEquals(0, child.terminate());
        }
    }
}

package dev.kyoyu.system.generative;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.stream.StreamApp;
import dev.kyoyu.stream.StreamConfig;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import dev.kyoyu.testsupport.generative.CaseOracle;
import dev.kyoyu.testsupport.generative.DeadLetterWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ingest-api, decision-stream and sink-worker (storing the stream's decisions too), in process, on
 * this test's own database and topics; plus the dead-letter watch over the sink's DLQ and the
 * stream's rejected topic, and an oracle posting as one agent.
 */
final class PipelineUnderTest implements AutoCloseable {
    /** How long an accepted input may take to be stored or dead-lettered before it counts as lost. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    final TestDatabase db;
    final IngestApp ingest;
    final StreamApp stream;
    final SinkApp sink;
    final DeadLetterWatch deadLetters;
    final CaseOracle oracle;

    private PipelineUnderTest(TestDatabase db, IngestApp ingest, StreamApp stream, SinkApp sink, DeadLetterWatch deadLetters, CaseOracle oracle) {
        this.db = db;
        this.ingest = ingest;
        this.stream = stream;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.oracle = oracle;
    }

    static PipelineUnderTest start(String name) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TestDatabase db = TestDatabase.create();
        String dlq = TestTopics.create(name + "-dlq", 1);
        Map<String, String> env = ServiceEnv.of(db, TestTopics.create(name + "-events", 3), dlq);
        String rejected = "test." + name + "-rejected." + suffix;
        env.put("KYOYU_DECISIONS_TOPIC", "test." + name + "-decisions." + suffix);
        env.put("KYOYU_CONFLICTS_TOPIC", "test." + name + "-conflicts." + suffix);
        env.put("KYOYU_DECISIONS_REJECTED_TOPIC", rejected);
        env.put("KYOYU_STREAM_TOPIC_PARTITIONS", "3");
        env.put("KYOYU_STREAM_PORT", "0");
        env.put("KYOYU_STREAM_APPLICATION_ID", name + "-" + suffix);
        Path state = Files.createTempDirectory("kyoyu-" + name + "-stream");
        env.put("KYOYU_STREAM_STATE_DIR", state.toString());
        env.put("KYOYU_SINK_DECISIONS", "true");
        IngestApp ingest = IngestApp.start(IngestConfig.fromEnv(env));
        StreamApp stream = StreamApp.start(StreamConfig.fromEnv(env));
        SinkApp sink = SinkApp.start(SinkConfig.fromEnv(env));
        DeadLetterWatch watch = new DeadLetterWatch(TestStack.kafkaBootstrap(), List.of(dlq, rejected));
        String agent = name + "-agent";
        String token = TestTokens.token(agent, Role.AGENT);
        CaseOracle oracle = new CaseOracle(ingest.port(), token, db.url(), TestStack.pgUser(), TestStack.pgPassword(), watch, SETTLE);
        return new PipelineUnderTest(db, ingest, stream, sink, watch, oracle);
    }

    @Override
    public void close() throws Exception {
        deadLetters.close();
        ingest.close();
        stream.close();
        sink.close();
        db.close();
    }
}

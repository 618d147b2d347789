package dev.kyoyu.bench.pooler;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.ingest.IngestBench;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.TestTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ingest-api and sink-worker as child processes on one round's own topic, the sink writing to {@code sinkUrl} (the
 * database itself, or the same database through PgBouncer), each as {@code ./kyoyu up} runs it; stopped on close.
 */
final class PipelineStack implements AutoCloseable {
    static final List<String> SERVICES = List.of("ingest-api", "sink-worker");

    private final Map<String, ChildProcess> children = new LinkedHashMap<>();
    final int ingestPort = ChildProcess.freePort();
    final int sinkPort = ChildProcess.freePort();

    private PipelineStack() {
    }

    static PipelineStack start(BenchEnv env, String sinkUrl, String topic, String deadLetters, String round, Path work)
            throws IOException {
        PipelineStack stack = new PipelineStack();
        try {
            Map<String, String> ingest = new LinkedHashMap<>();
            ingest.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            ingest.put("KYOYU_EVENTS_TOPIC", topic);
            ingest.put("KYOYU_INGEST_PORT", Integer.toString(stack.ingestPort));
            ingest.putAll(TestTokens.env());
            ingest.put("KYOYU_ID_SECRET", IngestBench.randomSecret());

            Map<String, String> sink = new LinkedHashMap<>();
            sink.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            sink.put("KYOYU_EVENTS_TOPIC", topic);
            sink.put("KYOYU_EVENTS_DLQ_TOPIC", deadLetters);
            sink.put("KYOYU_SINK_GROUP", "bench-pooler-sink-" + round);
            sink.put("KYOYU_SINK_PORT", Integer.toString(stack.sinkPort));
            sink.put("KYOYU_PG_URL", sinkUrl);
            sink.put("KYOYU_PG_USER", env.pgUser());
            sink.put("KYOYU_PG_PASSWORD", env.pgPassword());

            List<String> jvm = List.of("-Xmx" + env.serviceHeap());
            stack.launch(env, "ingest-api", "dev.kyoyu.ingest.IngestMain", jvm, ingest, work.resolve(round + "-ingest-api.log"));
            stack.launch(env, "sink-worker", "dev.kyoyu.sink.SinkMain", jvm, sink, work.resolve(round + "-sink-worker.log"));
            Duration startup = Duration.ofSeconds(90);
            stack.children.get("ingest-api").awaitHealthy(stack.ingestPort, startup);
            stack.children.get("sink-worker").awaitListening(stack.sinkPort, startup);
            return stack;
        } catch (IOException | RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void launch(BenchEnv env, String name, String main, List<String> jvm, Map<String, String> childEnv, Path log)
            throws IOException {
        children.put(name, ChildProcess.java(main).name(name).jvmArgs(jvm).classpath(env.classpathOf(name)).env(childEnv)
                .withoutInheritedSettings().log(log).start());
    }

    @Override
    public void close() {
        List.copyOf(children.values()).reversed().forEach(ChildProcess::close);
    }
}

package dev.kyoyu.bench.generative;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.ingest.IngestBench;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.bench.stack.Ports;
import dev.kyoyu.testsupport.TestTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ingest-api, decision-stream and sink-worker (storing the stream's decisions too) as child processes on the
 * bench's own topics and database, each as {@code ./kyoyu up} runs it; stopped by pid on close.
 */
final class GenerativeStack implements AutoCloseable {
    static final List<String> SERVICES = List.of("ingest-api", "sink-worker", "decision-stream");

    record Topics(String events, String deadLetters, String decisions, String conflicts, String rejected) {
    }

    private final Map<String, ChildProcess> children = new LinkedHashMap<>();
    final int ingestPort = ChildProcess.freePort();
    final int sinkPort = ChildProcess.freePort();
    final int streamPort = ChildProcess.freePort();

    private GenerativeStack() {
    }

    static GenerativeStack start(BenchEnv env, BenchDatabase db, Topics topics, Path work) throws Exception {
        GenerativeStack stack = new GenerativeStack();
        try {
            String suffix = db.name() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
            Map<String, String> common = new LinkedHashMap<>();
            common.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            common.put("KYOYU_EVENTS_TOPIC", topics.events());

            Map<String, String> ingest = new LinkedHashMap<>(common);
            ingest.put("KYOYU_INGEST_PORT", Integer.toString(stack.ingestPort));
            ingest.putAll(TestTokens.env());
            ingest.put("KYOYU_ID_SECRET", IngestBench.randomSecret());

            Map<String, String> sink = new LinkedHashMap<>(common);
            sink.put("KYOYU_PG_URL", db.url());
            sink.put("KYOYU_PG_USER", env.pgUser());
            sink.put("KYOYU_PG_PASSWORD", env.pgPassword());
            sink.put("KYOYU_SINK_PORT", Integer.toString(stack.sinkPort));
            sink.put("KYOYU_EVENTS_DLQ_TOPIC", topics.deadLetters());
            sink.put("KYOYU_SINK_GROUP", "bench-generative-sink-" + suffix);
            sink.put("KYOYU_SINK_DECISIONS", "true");
            sink.put("KYOYU_DECISIONS_TOPIC", topics.decisions());
            sink.put("KYOYU_CONFLICTS_TOPIC", topics.conflicts());

            Map<String, String> stream = new LinkedHashMap<>(common);
            stream.put("KYOYU_STREAM_PORT", Integer.toString(stack.streamPort));
            stream.put("KYOYU_STREAM_APPLICATION_ID", "bench-generative-stream-" + suffix);
            stream.put("KYOYU_STREAM_STATE_DIR", work.resolve("decision-stream-state").toString());
            stream.put("KYOYU_DECISIONS_TOPIC", topics.decisions());
            stream.put("KYOYU_CONFLICTS_TOPIC", topics.conflicts());
            stream.put("KYOYU_DECISIONS_REJECTED_TOPIC", topics.rejected());

            List<String> jvm = List.of("-Xmx" + env.serviceHeap());
            stack.launch(env, "ingest-api", "dev.kyoyu.ingest.IngestMain", jvm, ingest, work);
            stack.launch(env, "sink-worker", "dev.kyoyu.sink.SinkMain", jvm, sink, work);
            stack.launch(env, "decision-stream", "dev.kyoyu.stream.StreamMain", jvm, stream, work);
            Duration startup = Duration.ofSeconds(90);
            stack.children.get("ingest-api").awaitHealthy(stack.ingestPort, startup);
            stack.children.get("sink-worker").awaitListening(stack.sinkPort, startup);
            stack.children.get("decision-stream").awaitHealthy(stack.streamPort, startup);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void launch(BenchEnv env, String name, String main, List<String> jvm, Map<String, String> childEnv, Path work) throws IOException {
        children.put(name, ChildProcess.java(main).name(name).jvmArgs(jvm).classpath(env.classpathOf(name)).env(childEnv)
                .withoutInheritedSettings().log(work.resolve(name + ".log")).start());
    }

    /** /health of the sink and the stream as the run ends: part of what the bench found. */
    String health() {
        return "sink-worker " + healthOf(sinkPort) + "; decision-stream " + healthOf(streamPort);
    }

    private static String healthOf(int port) {
        try {
            return Ports.get(port, "/health");
        } catch (IOException e) {
            return "unreachable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        List.copyOf(children.values()).reversed().forEach(ChildProcess::close);
    }
}

package dev.kyoyu.bench.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.load.EventMix;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.schemas.Topics;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issue 3 item 7: ingest-api events/s over HTTP at batches of 1, 100 and 1,000 against Kafka's own
 * ProducerPerformance at the same record size, on the same broker, in the same run.
 */
public final class IngestBench {
    private static final String MAIN = "dev.kyoyu.ingest.IngestMain";
    /** Distinct request bodies per batch size: enough variety, generated before the load so the client stays cheap. */
    private static final int EVENTS_PER_POOL = 20_000;

    private final BenchEnv env;
    private final IngestOptions options;
    private final Path workDir;

    private IngestBench(BenchEnv env, IngestOptions options, Path workDir) {
        this.env = env;
        this.options = options;
        this.workDir = workDir;
    }

    public static String usage() {
        return IngestOptions.USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        IngestOptions options = IngestOptions.parse(args, env.repo());
        env.requireBuilt("ingest-api");
        env.requireBuilt("bench");
        Path workDir = Files.createTempDirectory("kyoyu-bench-ingest-");
        System.err.println("logs and scratch files: " + workDir);
        return new IngestBench(env, options, workDir).run();
    }

    private int run() throws Exception {
        double busy = CpuMeter.machineBusy(Duration.ofSeconds(3));
        if (busy > 0.25) {
            System.err.printf("warning: the machine is already %.2f cores busy with other work; results will be lower and noisier%n", busy);
        }
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), options.keep())) {
            int partitions = options.partitions() > 0 ? options.partitions() : stackPartitions(topics);
            String topic = topics.create("ingest", partitions);
            String jwtSecret = randomSecret();
            String apiKeySecret = randomSecret();
            int port = ChildProcess.freePort();
            Map<String, String> childEnv = new LinkedHashMap<>();
            childEnv.put("KYOYU_INGEST_HOST", "127.0.0.1");
            childEnv.put("KYOYU_INGEST_PORT", Integer.toString(port));
            childEnv.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            childEnv.put("KYOYU_EVENTS_TOPIC", topic);
            childEnv.put("KYOYU_JWT_SECRET", jwtSecret);
            childEnv.put("KYOYU_API_KEY_SECRET", apiKeySecret);
            childEnv.put("KYOYU_ID_SECRET", randomSecret());

            IngestResults results = new IngestResults(options, env, topic, partitions);
            results.idleMachineBusy = busy;
            Map<Integer, List<byte[]>> pools = new LinkedHashMap<>();
            for (int batch : options.batchSizes()) {
                pools.put(batch, bodies(batch, results));
            }
            List<Integer> warmupPool = List.of(Math.min(100, options.batchSizes().getLast()));
            pools.computeIfAbsent(warmupPool.getFirst(), b -> bodies(b, new IngestResults(options, env, topic, partitions)));

            List<String> jvm = new ArrayList<>(List.of("-Xmx" + env.serviceHeap()));
            jvm.addAll(options.serviceJvmArgs());
            ChildProcess service = ChildProcess.java(MAIN).name("ingest-api").jvmArgs(jvm).classpath(env.classpathOf("ingest-api"))
                    .env(childEnv).withoutInheritedSettings().log(workDir.resolve("ingest-api.log")).start();
            try (service) {
                service.awaitHealthy(port, Duration.ofSeconds(60));
                results.startupPeakRssKib = ProcStats.peakRssKib(service.pid());
                HttpLoad load = new HttpLoad(port);
                List<String> agentIds = IntStream.range(0, options.clients()).mapToObj(i -> String.format("bench-agent-%04d", i)).toList();
                List<HttpLoad.Agent> agents = load.signIn(agentIds, agent -> apiKey(apiKeySecret, agent));
                CpuMeter cpu = new CpuMeter().addProcess("ingest-api", service.pid());
                env.kafkaBrokerPid().ifPresent(pid -> cpu.addProcess("kafka broker", pid));
                cpu.addSelf("load client (this JVM)");

                System.err.printf("warming up for %ds at batch %d with %d clients…%n", options.warmup().toSeconds(),
                        warmupPool.getFirst(), options.clients());
                load.phase("warm-up", agents, warmupPool.getFirst(), pools.get(warmupPool.getFirst()), Duration.ZERO,
                        options.warmup(), service, cpu);
                for (int batch : options.batchSizes()) {
                    HttpLoad.PhaseResult phase = load.phase(String.format("batch %,d", batch), agents, batch, pools.get(batch),
                            options.rampUp(), options.measure(), service, cpu);
                    results.phases.add(phase);
                    System.err.printf("batch %,d: %,.0f events/s, %,.0f requests/s, p99 %.1f ms, %d errors%n", batch,
                            phase.eventsPerSecond(), phase.requestsPerSecond(), phase.latencyNanos().at(99) / 1e6, phase.errorCount());
                }
                results.lifetimePeakRssKib = ProcStats.peakRssKib(service.pid());
            }
            results.serviceExitCode = service.process().exitValue();

            System.err.println("measuring the records the ingest API published…");
            Path payloadFile = workDir.resolve("published-events.ndjson");
            results.topicSizes = TopicSample.measure(env.kafkaBootstrap(), topic, 500_000, payloadFile, 20_000);
            results.baselines.add(baseline(topics, partitions, results.topicSizes, null));
            results.baselines.add(baseline(topics, partitions, results.topicSizes, payloadFile));
            results.topics = topics.names();
            results.write(workDir);
            return 0;
        }
    }

    /** The raw producer at the published record size, on a fresh topic with the same partition count. */
    private ProducerBaseline.Result baseline(BenchTopics topics, int partitions, TopicSample.Sizes sizes, Path payloadFile)
            throws IOException, InterruptedException {
        String topic = topics.create("ingest-raw", partitions);
        CpuMeter cpu = new CpuMeter();
        env.kafkaBrokerPid().ifPresent(pid -> cpu.addProcess("kafka broker", pid));
        int recordSize = (int) Math.round(sizes.meanValueBytes());
        if (payloadFile == null) {
            return ProducerBaseline.run(env, "ProducerPerformance", "acks=all, enable.idempotence=true, other settings at "
                            + "their defaults; random record of " + recordSize + " bytes (the mean published value), no key",
                    topic, options.baselineRecords(), List.of("--record-size", Integer.toString(recordSize)),
                    List.of("acks=all", "enable.idempotence=true"), cpu, workDir.resolve("producer-performance.log"));
        }
        return ProducerBaseline.run(env, "ProducerPerformance, real events",
                "acks=all, enable.idempotence=true, linger.ms=5, batch.size=262144, compression.type=lz4 (the ingest-api "
                        + "producer's settings); values drawn from " + sizes.payloadLines() + " records the ingest API published, no key",
                topic, options.baselineRecords(), List.of("--payload-file", payloadFile.toString()),
                List.of("acks=all", "enable.idempotence=true", "linger.ms=5", "batch.size=262144", "compression.type=lz4"),
                cpu, workDir.resolve("producer-performance-real-events.log"));
    }

    private int stackPartitions(BenchTopics topics) {
        try {
            return topics.partitions(Topics.EVENTS);
        } catch (IllegalStateException e) {
            System.err.println(Topics.EVENTS + " not found on the broker; using 6 partitions");
            return 6;
        }
    }

    /** Request bodies of {@code batch} events each, like an agent posts them, and their size profile. */
    private static List<byte[]> bodies(int batch, IngestResults results) {
        EventMix mix = new EventMix(batch * 7919L);
        int count = Math.max(16, Math.min(2_000, EVENTS_PER_POOL / batch));
        List<byte[]> bodies = new ArrayList<>(count);
        long[] bodySizes = new long[count];
        Instant occurred = Instant.now();
        for (int i = 0; i < count; i++) {
            ObjectNode body = EventJson.MAPPER.createObjectNode();
            ArrayNode events = body.putArray("events");
            for (int e = 0; e < batch; e++) {
                String type = mix.nextType();
                ObjectNode event = events.addObject();
                event.put("event_type", type);
                event.put("occurred_at", occurred.plusMillis(i * batch + e).toString());
                ObjectNode payload = mix.payload(type);
                event.set("payload", payload);
                results.sizes.add(type, payload.toString().getBytes(StandardCharsets.UTF_8).length,
                        event.toString().getBytes(StandardCharsets.UTF_8).length);
            }
            bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
            bodySizes[i] = bodies.getLast().length;
        }
        results.bodySizes.put(batch, new Percentiles(bodySizes));
        return bodies;
    }

    /** An agent's API key as ingest-api derives it: HMAC-SHA256 of the agent id under the API-key secret. */
    public static String apiKey(String secret, String agentId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(agentId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    /** The bench's own secrets for its own ingest-api: it never needs the stack's. */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

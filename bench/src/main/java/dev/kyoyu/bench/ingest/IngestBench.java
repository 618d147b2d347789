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
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
            Map<String, String> childEnv = new LinkedHashMap<>();
            childEnv.put("KYOYU_INGEST_HOST", "127.0.0.1");
            childEnv.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            childEnv.put("KYOYU_EVENTS_TOPIC", topic);
            childEnv.putAll(TestTokens.env());
            childEnv.put("KYOYU_ID_SECRET", randomSecret());

            IngestResults results = new IngestResults(options, env, topic, partitions);
            results.idleMachineBusy = busy;
            Map<Integer, List<byte[]>> pools = new LinkedHashMap<>();
            for (int batch : options.batchSizes()) {
                pools.put(batch, bodies(batch, results));
            }
            List<Integer> warmupPool = List.of(Math.min(100, options.batchSizes().getLast()));
            pools.computeIfAbsent(warmupPool.getFirst(), b -> bodies(b, new IngestResults(options, env, topic, partitions)));

            for (String mode : options.rateModes()) {
                results.modes.add(runMode(mode, childEnv, pools, warmupPool.getFirst()));
            }

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

    /** Every phase on a fresh ingest-api whose rate limiting is {@code mode}: off, in-process or redis. */
    private IngestResults.ModeRun runMode(String mode, Map<String, String> baseEnv,
                                          Map<Integer, List<byte[]>> pools, int warmupBatch) throws Exception {
        int port = ChildProcess.freePort();
        Map<String, String> childEnv = new LinkedHashMap<>(baseEnv);
        childEnv.put("KYOYU_INGEST_PORT", Integer.toString(port));
        childEnv.putAll(rateLimitEnv(mode));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + env.serviceHeap()));
        jvm.addAll(options.serviceJvmArgs());
        List<HttpLoad.PhaseResult> phases = new ArrayList<>();
        long startupPeak;
        long lifetimePeak;
        ChildProcess service = ChildProcess.java(MAIN).name("ingest-api").jvmArgs(jvm).classpath(env.classpathOf("ingest-api"))
                .env(childEnv).withoutInheritedSettings().log(workDir.resolve("ingest-api-" + mode + ".log")).start();
        try (service) {
            service.awaitHealthy(port, Duration.ofSeconds(60));
            startupPeak = ProcStats.peakRssKib(service.pid());
            HttpLoad load = new HttpLoad(port);
            // Agents of their own per mode: a mode never starts with buckets another mode emptied.
            List<String> agentIds = IntStream.range(0, options.clients())
                    .mapToObj(i -> String.format("bench-%s-%04d", mode, i)).toList();
            List<HttpLoad.Agent> agents = load.signIn(agentIds, agent -> TestTokens.token(agent, Role.AGENT));
            CpuMeter cpu = new CpuMeter().addProcess("ingest-api", service.pid());
            env.kafkaBrokerPid().ifPresent(pid -> cpu.addProcess("kafka broker", pid));
            cpu.addSelf("load client (this JVM)");

            System.err.printf("rate limits %s: warming up for %ds at batch %d with %d clients…%n", mode, options.warmup().toSeconds(),
                    warmupBatch, options.clients());
            load.phase("warm-up", agents, warmupBatch, pools.get(warmupBatch), Duration.ZERO, options.warmup(), service, cpu);
            for (int batch : options.batchSizes()) {
                HttpLoad.PhaseResult phase = load.phase(String.format("%s, batch %,d", mode, batch), agents, batch, pools.get(batch),
                        options.rampUp(), options.measure(), service, cpu);
                phases.add(phase);
                System.err.printf("rate limits %s, batch %,d: %,.0f events/s, %,.0f requests/s, p99 %.1f ms, %d errors%n", mode, batch,
                        phase.eventsPerSecond(), phase.requestsPerSecond(), phase.latencyNanos().at(99) / 1e6, phase.errorCount());
            }
            lifetimePeak = ProcStats.peakRssKib(service.pid());
        }
        return new IngestResults.ModeRun(mode, phases, startupPeak, lifetimePeak, service.process().exitValue());
    }

    /**
     * Limits far above anything the load sends (nothing is refused), so "in-process" and "redis" measure the cost of
     * charging every request and its events; "off" switches the limiter off, the reference.
     */
    static Map<String, String> rateLimitEnv(String mode) {
        Map<String, String> limits = Map.of("KYOYU_RATE_INGEST_REQUESTS", "1000000/s", "KYOYU_RATE_INGEST_EVENTS", "100000000/s");
        return switch (mode) {
            case "off" -> Map.of("KYOYU_RATE_LIMITS", "off");
            case "in-process" -> limits;
            case "redis" -> {
                Map<String, String> shared = new LinkedHashMap<>(limits);
                shared.put("KYOYU_REDIS_URL", redisUrl());
                yield shared;
            }
            default -> throw new IllegalArgumentException("no rate-limit mode " + mode);
        };
    }

    /** The stack's redis-server (./kyoyu bench starts it): KYOYU_REDIS_URL, or the loopback on KYOYU_REDIS_PORT. */
    private static String redisUrl() {
        String url = System.getenv("KYOYU_REDIS_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        String port = System.getenv("KYOYU_REDIS_PORT");
        if (port == null || port.isBlank()) {
            throw new IllegalStateException("--rate-limits=redis needs KYOYU_REDIS_PORT (run through ./kyoyu bench, which starts Redis)");
        }
        return "redis://127.0.0.1:" + port.trim();
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

    /** The bench's own secrets for its own ingest-api: it never needs the stack's. */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

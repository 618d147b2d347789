package dev.kyoyu.bench.ingest;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.testsupport.ChildProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ProgressBar;

/**
 * Kafka's own ProducerPerformance, run as a child process from the bench's classpath: the raw producer
 * rate that the ingest API is measured against, on the same broker in the same run.
 */
public final class ProducerBaseline {
    private static final String MAIN = "org.apache.kafka.tools.ProducerPerformance";
    /** "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency[, p50 ms 50th, ...]" */
    private static final Pattern LINE = Pattern.compile(
            "^(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency"
                    + "(?:, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th)?");

    public record Result(String label, String settings, long records, double recordsPerSecond, double mbPerSecond,
                  double avgLatencyMs, double maxLatencyMs, long p50Ms, long p95Ms, long p99Ms,
                  Map<String, Double> cores, long peakRssKib, List<String> arguments) {
    }

    private ProducerBaseline() {
    }

    /**
     * @param payload      either {@code --record-size N} or {@code --payload-file F}
     * @param producerProps producer settings, {@code name=value}
     */
    public static Result run(BenchEnv env, String label, String settings, String topic, long records, List<String> payload,
                      List<String> producerProps, CpuMeter cpu, Path log) throws IOException, InterruptedException {
        long warmup = records / 10;
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", env.kafkaBootstrap(), "--topic", topic,
                "--num-records", Long.toString(records + warmup), "--warmup-records", Long.toString(warmup),
                "--throughput", "-1", "--reporting-interval", "1000"));
        args.addAll(payload);
        args.add("--command-property");
        args.addAll(producerProps);
        String classpath = env.repo().resolve("bench/target/bench.jar") + ":" + env.repo().resolve("bench/target/lib") + "/*";
        ChildProcess child = ChildProcess.java(MAIN).name("ProducerPerformance").jvmArgs(List.of("-Xmx" + env.serviceHeap(),
                        "-Dlogback.configurationFile=" + dev.kyoyu.bench.BenchMain.LOGBACK_CONFIG)).classpath(classpath).args(args)
                .withoutInheritedSettings().log(log).start();
        CpuMeter.Window window = cpu.copy().addProcess("ProducerPerformance", child.pid()).start();
        List<Matcher> summaries = new ArrayList<>();
        try (child; ProgressBar bar = Progress.bar(label, records + warmup, "rec");
             RandomAccessFile tail = new RandomAccessFile(log.toFile(), "r")) {
            tail.seek(tail.length());
            long sent = 0;
            long peak = 0;
            StringBuilder partial = new StringBuilder();
            while (true) {
                boolean exited = !child.isAlive();
                byte[] chunk = new byte[(int) Math.max(0, tail.length() - tail.getFilePointer())];
                tail.readFully(chunk);
                partial.append(new String(chunk, StandardCharsets.UTF_8));
                int newline;
                while ((newline = partial.indexOf("\n")) >= 0) {
                    Matcher m = LINE.matcher(partial.substring(0, newline).trim());
                    partial.delete(0, newline + 1);
                    if (m.find()) {
                        if (m.group(6) != null) {
                            summaries.add(m);
                        } else {
                            sent += Long.parseLong(m.group(1));
                            bar.stepTo(Math.min(sent, records + warmup));
                        }
                    }
                }
                if (exited) {
                    break;
                }
                peak = Math.max(peak, ProcStats.peakRssKib(child.pid()));
                window.sample();
                Thread.sleep(200);
            }
            Map<String, Double> cores = window.stop();
            int exit = child.awaitExit(Duration.ofSeconds(5));
            if (exit != 0 || summaries.isEmpty()) {
                throw new IllegalStateException("ProducerPerformance failed (exit " + exit + "); log " + log + ":\n" + child.logTail(30));
            }
            bar.stepTo(records + warmup);
            // With --warmup-records the tool prints the whole run, then the steady state after the warm-up: take the last.
            Matcher s = summaries.getLast();
            return new Result(label, settings, Long.parseLong(s.group(1)), Double.parseDouble(s.group(2)),
                    Double.parseDouble(s.group(3)), Double.parseDouble(s.group(4)), Double.parseDouble(s.group(5)),
                    Long.parseLong(s.group(6)), Long.parseLong(s.group(7)), Long.parseLong(s.group(8)), cores, peak,
                    args);
        }
    }
}

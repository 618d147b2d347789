package dev.kyoyu.bench.query;

import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.CpuMeter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;

/**
 * A fixed list of queries run by a few closed-loop clients: each takes the next query as soon as its previous
 * one is answered. Latency is measured around the request alone (bodies are built before, answers parsed after).
 */
final class QueryLoad {
    /** One client's way to run query {@code index}; throws when the query failed. */
    interface Client extends AutoCloseable {
        Answered run(int index) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** How many rows an answer carried, read after the clock stopped (parsing a body is the client's business). */
    interface Answered {
        int rows() throws Exception;
    }

    interface ClientFactory {
        Client open() throws Exception;
    }

    /** A query that did not answer as it should; {@code kind} is what the report counts, e.g. "HTTP 503". */
    static final class Failed extends Exception {
        Failed(String kind) {
            super(kind, null, false, false);
        }
    }

    record Result(String phase, QuerySpec.Type type, String path, int queries, Percentiles latencyNanos,
                  Map<String, Long> errors, long rows, double seconds, Map<String, Double> cores) {
        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double perSecond() {
            return latencyNanos.count() / seconds;
        }

        double meanRows() {
            return latencyNanos.count() == 0 ? 0 : (double) rows / latencyNanos.count();
        }
    }

    private QueryLoad() {
    }

    private static Thread firstAlive(List<Thread> threads) {
        return threads.stream().filter(Thread::isAlive).findFirst().orElse(null);
    }

    static Result run(String phase, QuerySpec.Type type, String path, int count, int clients, ClientFactory factory,
                      CpuMeter cpu) throws Exception {
        List<Client> opened = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                opened.add(factory.open());
            }
            AtomicInteger next = new AtomicInteger();
            AtomicLong rows = new AtomicLong();
            AtomicLong done = new AtomicLong();
            Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
            long[][] latencies = new long[clients][];
            List<Thread> threads = new ArrayList<>();
            CpuMeter.Window window = cpu.start();
            long started = System.nanoTime();
            try (ProgressBar bar = Progress.bar(phase + ", " + type.label + ", " + path, count, "q")) {
                for (int c = 0; c < clients; c++) {
                    int me = c;
                    Client client = opened.get(c);
                    threads.add(Thread.ofPlatform().name("query-client-" + c).start(() -> {
                        long[] mine = new long[count];
                        int n = 0;
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            try {
                                Answered answered = client.run(i);
                                mine[n++] = System.nanoTime() - t0;
                                rows.addAndGet(answered.rows());
                            } catch (Failed e) {
                                errors.computeIfAbsent(e.getMessage(), k -> new AtomicLong()).incrementAndGet();
                            } catch (Exception e) {
                                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                            }
                            done.incrementAndGet();
                        }
                        latencies[me] = Arrays.copyOf(mine, n);
                    }));
                }
                for (Thread alive = firstAlive(threads); alive != null; alive = firstAlive(threads)) {
                    alive.join(200);
                    bar.stepTo(done.get());
                    window.sample();
                }
                bar.stepTo(done.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> cores = window.stop();
            Map<String, Long> errorCounts = new TreeMap<>();
            errors.forEach((kind, n) -> errorCounts.put(kind, n.get()));
            return new Result(phase, type, path, count, new Percentiles(Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray()),
                    errorCounts, rows.get(), seconds, cores);
        } finally {
            for (Client client : opened) {
                client.close();
            }
        }
    }
}

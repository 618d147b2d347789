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
import java.util.function.IntFunction;
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

    /** {@code byShape}: the latencies of each item of the mix ({@link QuerySpec#shape}), by name. */
    record Result(String phase, QuerySpec.Type type, String path, int queries, Percentiles latencyNanos,
                  Map<String, Percentiles> byShape, Map<String, Long> errors, long rows, double seconds,
                  Map<String, Double> cores) {
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

    /** Runs queries 0 … count-1; {@code shapeOf(i)} names query i's item of the mix. */
    static Result run(String phase, QuerySpec.Type type, String path, int count, int clients, ClientFactory factory,
                      IntFunction<String> shapeOf, CpuMeter cpu) throws Exception {
        List<Client> opened = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                opened.add(factory.open());
            }
            AtomicInteger next = new AtomicInteger();
            AtomicLong rows = new AtomicLong();
            AtomicLong done = new AtomicLong();
            Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
            // Each query's latency, written by the one client that ran it and read after the clients are joined.
            long[] latencies = new long[count];
            Arrays.fill(latencies, -1);
            List<Thread> threads = new ArrayList<>();
            CpuMeter.Window window = cpu.start();
            long started = System.nanoTime();
            try (ProgressBar bar = Progress.bar(phase + ", " + type.label + ", " + path, count, "q")) {
                for (int c = 0; c < clients; c++) {
                    Client client = opened.get(c);
                    threads.add(Thread.ofPlatform().name("query-client-" + c).start(() -> {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            try {
                                Answered answered = client.run(i);
                                latencies[i] = System.nanoTime() - t0;
                                rows.addAndGet(answered.rows());
                            } catch (Failed e) {
                                errors.computeIfAbsent(e.getMessage(), k -> new AtomicLong()).incrementAndGet();
                            } catch (Exception e) {
                                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                            }
                            done.incrementAndGet();
                        }
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
            Map<String, List<Long>> shapes = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                if (latencies[i] >= 0) {
                    shapes.computeIfAbsent(shapeOf.apply(i), k -> new ArrayList<>()).add(latencies[i]);
                }
            }
            Map<String, Percentiles> byShape = new TreeMap<>();
            shapes.forEach((shape, values) -> byShape.put(shape, new Percentiles(values.stream().mapToLong(Long::longValue).toArray())));
            return new Result(phase, type, path, count, new Percentiles(Arrays.stream(latencies).filter(l -> l >= 0).toArray()),
                    byShape, errorCounts, rows.get(), seconds, cores);
        } finally {
            for (Client client : opened) {
                client.close();
            }
        }
    }
}

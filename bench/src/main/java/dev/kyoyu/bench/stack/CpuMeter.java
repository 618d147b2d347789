package dev.kyoyu.bench.stack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the cores went during a phase: CPU time of named processes (the service under test, the broker,
 * PostgreSQL, the load generator itself) and of the whole machine, as average cores busy.
 */
public final class CpuMeter {
    public static final String MACHINE = "machine";
    /** Machine busy minus every named source: processes the benchmark did not start or name (other work on the box). */
    public static final String OTHER = "everything else";

    private final Map<String, LongSupplier> sources = new LinkedHashMap<>();

    public CpuMeter add(String name, LongSupplier ticks) {
        sources.put(name, ticks);
        return this;
    }

    /** A process's CPU; once it has exited, the last value seen (call {@link Window#sample()} while it runs). */
    public CpuMeter addProcess(String name, long pid) {
        long[] last = {0};
        return add(name, () -> {
            long ticks = ProcStats.cpuTicks(pid);
            if (ticks > 0) {
                last[0] = ticks;
            }
            return last[0];
        });
    }

    /** The same sources plus more, leaving this meter as it is. */
    public CpuMeter copy() {
        CpuMeter copy = new CpuMeter();
        copy.sources.putAll(sources);
        return copy;
    }

    public CpuMeter addSelf(String name) {
        return addProcess(name, ProcessHandle.current().pid());
    }

    /** Cores busy on the whole machine over {@code duration}: other work that would skew a measurement. */
    public static double machineBusy(java.time.Duration duration) throws InterruptedException {
        Window window = new CpuMeter().start();
        Thread.sleep(duration);
        return window.stop().get(MACHINE);
    }

    public Window start() {
        return new Window(snapshot(), System.nanoTime());
    }

    private Map<String, Long> snapshot() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        sources.forEach((name, source) -> ticks.put(name, source.getAsLong()));
        ticks.put(MACHINE, ProcStats.machineTicks()[0]);
        return ticks;
    }

    /** A measurement in progress; {@link #stop()} gives average cores busy per source. */
    public final class Window {
        private final Map<String, Long> start;
        private final long startNanos;

        private Window(Map<String, Long> start, long startNanos) {
            this.start = start;
            this.startNanos = startNanos;
        }

        /** Reads every source now, so processes that exit before {@link #stop()} keep their last value. */
        public void sample() {
            sources.values().forEach(LongSupplier::getAsLong);
        }

        public Map<String, Double> stop() {
            Map<String, Long> end = snapshot();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            Map<String, Double> cores = new LinkedHashMap<>();
            end.forEach((name, ticks) -> cores.put(name,
                    Math.max(0, ticks - start.getOrDefault(name, 0L)) / ProcStats.TICKS_PER_SECOND / seconds));
            double named = cores.entrySet().stream().filter(e -> !e.getKey().equals(MACHINE)).mapToDouble(Map.Entry::getValue).sum();
            double machine = cores.remove(MACHINE);
            cores.put(OTHER, Math.max(0, machine - named));
            cores.put(MACHINE, machine);
            return cores;
        }
    }
}

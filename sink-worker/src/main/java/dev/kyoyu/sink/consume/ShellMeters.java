package dev.kyoyu.sink.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of one consume loop, named after its family (e.g. {@code kyoyu.events.batch.size}). */
record ShellMeters(Counter deadLettered, Counter writeErrors, DistributionSummary batchSizes, Timer flushDurations,
                   Timer writeDurations, AtomicInteger buffered) {

    static ShellMeters register(RecordFamily<?> family, MeterRegistry registry) {
        String prefix = family.meterPrefix();
        AtomicInteger buffered = new AtomicInteger();
        Gauge.builder(prefix + ".buffer.size", buffered, AtomicInteger::get).register(registry);
        return new ShellMeters(
                Counter.builder(prefix + ".dead.lettered").register(registry),
                Counter.builder(family.writeErrorsMeter()).register(registry),
                DistributionSummary.builder(prefix + ".batch.size").register(registry),
                Timer.builder(prefix + ".batch.flush.duration")
                        .description("from handing a batch to the writer until the worker settles it").publishPercentileHistogram()
                        .register(registry),
                Timer.builder(prefix + ".batch.write.duration")
                        .description("the writer thread's time in the database for a batch: how busy the write path is")
                        .publishPercentileHistogram().register(registry),
                buffered);
    }
}

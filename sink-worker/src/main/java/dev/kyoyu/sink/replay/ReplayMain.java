package dev.kyoyu.sink.replay;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.chunks.RetentionSettings;
import dev.kyoyu.sink.copy.BatchWriter;
import java.time.Instant;
import java.util.Arrays;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code ./kyoyu replay --from <time> [--to <time>]}: re-sink a time range after an outage or a restore. */
public final class ReplayMain {
    private ReplayMain() {
    }

    /**
     * Retention dropped the chunks before its horizon, so a replay from before it finds those events missing and stores
     * them again, until the next retention run drops them once more: say so before doing it.
     */
    private static void warnAboutRetention(ReplayRange range, RetentionSettings retention) {
        Instant horizon = Instant.now().minus(retention.retention());
        if (retention.retains() && range.from().isBefore(horizon)) {
            System.err.printf("note: KYOYU_RETENTION keeps events since %s; replayed events older than that are stored again "
                    + "and dropped again by the next retention run%n", horizon);
        }
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(ReplayRange.USAGE);
            return;
        }
        ReplayRange range;
        SinkConfig config;
        try {
            range = ReplayRange.parse(Arrays.asList(args));
            config = SinkConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        warnAboutRetention(range, config.retention());
        try (HikariDataSource pool = SinkApp.pool(config, "replay", 1)) {
            TopicReplay replay = new TopicReplay(config.kafkaBootstrap(), config.eventsTopic(),
                    new BatchWriter(pool, config.clientRetryWindow()), config.batchMaxEvents());
            long total = replay.plan(range).values().stream().mapToLong(b -> b[1] - b[0]).sum();
            TopicReplay.Result result;
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName("replay " + config.eventsTopic())
                    .setInitialMax(total)
                    .setUnit(" records", 1)
                    .showSpeed()
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build()) {
                result = replay.run(range, bar::stepBy);
            }
            System.out.printf("replayed %s: read %d records, stored %d missing events, skipped %d poison records%n",
                    range, result.read(), result.stored(), result.skippedPoison());
        } catch (Exception e) {
            System.err.println("replay failed: " + e);
            System.exit(1);
        }
    }
}

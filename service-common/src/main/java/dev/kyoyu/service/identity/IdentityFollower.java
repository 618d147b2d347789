package dev.kyoyu.service.identity;

import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.schemas.identity.IdentityJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's {@link IdentityView} equal to the identity topic: one thread, a consumer of no group that
 * reads the topic's single partition from the beginning and applies every committed record in order. The view
 * counts as loaded only once it holds everything the topic held when the process started; until then the
 * services answer 503 to anything that needs it (tokens are not judged, keys not checked), so no replica ever
 * serves with a view that forgot a revocation, and a replica started while Kafka is down waits for it instead of
 * exiting. Afterwards it keeps confirming that it is at the topic's end; a replica that cannot (Kafka unreachable)
 * reports not ready once the last confirmation is older than the stale bound.
 */
public final class IdentityFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityFollower.class);
    private static final Duration END_OFFSET_TIMEOUT = Duration.ofSeconds(5);

    /** What /health says about the identity view: {@code ready} only when it is known to be current. */
    private final String bootstrap;
    private final IdentityView view;
    private final IdentityFollowerSettings settings;
    private final Clock clock;
    private final TopicPartition partition;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch caughtUpAtStart = new CountDownLatch(1);
    private final Counter applied;
    private final Counter unreadable;
    private volatile long endAtStart = -1;
    private Instant endAtStartSeenAt;
    private volatile long lag = -1;
    private volatile Instant confirmedAtEnd;
    private volatile boolean running = true;
    /** The end offset last seen and when: reaching it later proves the view held everything written before then. */
    private long observedEnd = -1;
    private Instant observedEndAt;
    private boolean failing;

    private IdentityFollower(String bootstrap, IdentityFollowerSettings settings, IdentityView view, MeterRegistry registry,
                             Clock clock) {
        this.bootstrap = bootstrap;
        this.view = view;
        this.settings = settings;
        this.clock = clock;
        this.partition = new TopicPartition(settings.topic(), 0);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "identity-follower",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // The broker answers a fetch as soon as a record arrives; this only caps an idle fetch.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) settings.pollInterval().toMillis()),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.applied = Counter.builder("kyoyu.identity.records.applied")
                .description("identity topic records applied to this replica's identity view").register(registry);
        this.unreadable = Counter.builder("kyoyu.identity.records.unreadable")
                .description("identity topic records that could not be read and were skipped").register(registry);
        Gauge.builder("kyoyu.identity.follower.lag", this, f -> f.lag)
                .description("identity records between this replica's position and the topic's end (-1: unknown)").register(registry);
        Gauge.builder("kyoyu.identity.follower.staleness.seconds", this, IdentityFollower::stalenessSeconds)
                .description("seconds since the follower last confirmed being at the topic's end (-1: never)").register(registry);
        this.thread = Thread.ofPlatform().name("identity-follower").daemon().unstarted(this::run);
    }

    /**
     * Starts following the topic (creating it when missing) and waits up to the settings' startup wait for the view to
     * load. Never fails for want of Kafka: the follower keeps trying, and the view stays unloaded until it succeeds.
     */
    public static IdentityFollower start(String bootstrap, IdentityFollowerSettings settings, IdentityView view,
                                         MeterRegistry registry) {
        return start(bootstrap, settings, view, registry, Clock.systemUTC());
    }

    public static IdentityFollower start(String bootstrap, IdentityFollowerSettings settings, IdentityView view,
                                         MeterRegistry registry, Clock clock) {
        IdentityFollower follower = new IdentityFollower(bootstrap, settings, view, registry, clock);
        follower.thread.start();
        if (follower.awaitLoaded()) {
            LOG.info("identity view loaded from {}: {} records applied", settings.topic(), (long) follower.applied.count());
        } else {
            LOG.warn("identity topic {} not read to its end within {} (KYOYU_IDENTITY_STARTUP_WAIT); answering 503 to"
                    + " authenticated requests until it is", settings.topic(), settings.startupWait());
        }
        return follower;
    }

    /** The topic read once to the end it had at start, for a command that needs the whole state (the admin bootstrap). */
    public static IdentityView readOnce(String bootstrap, IdentityFollowerSettings settings) {
        IdentityView view = new IdentityView();
        try (IdentityFollower follower = new IdentityFollower(bootstrap, settings, view, new SimpleMeterRegistry(), Clock.systemUTC())) {
            follower.thread.start();
            if (!follower.awaitLoaded()) {
                throw new IllegalStateException("could not read the identity topic " + settings.topic() + " on " + bootstrap
                        + " to its end within " + settings.startupWait() + " (KYOYU_IDENTITY_STARTUP_WAIT)");
            }
        }
        return view;
    }

    private boolean awaitLoaded() {
        try {
            return caughtUpAtStart.await(settings.startupWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ready once read to the end of the topic, and while that was confirmed within the stale bound. */
    public HealthChecks.Result health() {
        Instant at = confirmedAtEnd;
        if (at == null) {
            return HealthChecks.Result.notReady("loading: not yet read to the end of " + settings.topic());
        }
        Duration age = Duration.between(at, clock.instant());
        if (age.compareTo(settings.staleAfter()) > 0) {
            return HealthChecks.Result.notReady("stale: last at the end of " + settings.topic() + " " + age.toSeconds()
                    + " s ago (revocations since then may not be applied here)");
        }
        return HealthChecks.Result.ready("ok");
    }

    private double stalenessSeconds() {
        Instant at = confirmedAtEnd;
        return at == null ? -1 : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }

    private void run() {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            boolean topicExists = false;
            while (running) {
                try {
                    if (!topicExists) {
                        IdentityTopic.ensure(bootstrap, settings.topic());
                        topicExists = true;
                    }
                    if (endAtStart < 0) {
                        Instant now = clock.instant();
                        endAtStart = endOffset();
                        endAtStartSeenAt = now;
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(settings.pollInterval())) {
                        apply(record);
                    }
                    confirmPosition();
                    if (failing) {
                        failing = false;
                        LOG.info("identity follower reads {} again", settings.topic());
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException | IllegalStateException e) {
                    // Kafka unreachable or a transient error: keep the view as it is and try again; /health tells
                    // once the view is stale. Logged once per outage, not once per attempt.
                    if (!failing) {
                        failing = true;
                        LOG.warn("identity follower cannot read {}; retrying: {}", settings.topic(), e.toString());
                    }
                    pause();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            view.apply(IdentityJson.fromBytes(record.value()));
            applied.increment();
        } catch (IOException | RuntimeException e) {
            // One bad record must not stop every later revocation from applying.
            unreadable.increment();
            LOG.error("identity record at {} offset {} (key {}) is unreadable and was skipped: {}",
                    settings.topic(), record.offset(), record.key(), e.getMessage());
        }
    }

    private long endOffset() {
        return consumer.endOffsets(List.of(partition), END_OFFSET_TIMEOUT).get(partition);
    }

    /**
     * Records how current the view is. Position at the end seen now: current as of now. Position at least the end
     * seen on the previous round: current as of that round, which keeps a replica ready while records keep arriving.
     */
    private void confirmPosition() {
        long position = consumer.position(partition, END_OFFSET_TIMEOUT);
        if (observedEnd >= 0 && position >= observedEnd) {
            confirmedAtEnd = observedEndAt;
        }
        Instant now = clock.instant();
        long end = endOffset();
        observedEnd = end;
        observedEndAt = now;
        lag = Math.max(0, end - position);
        if (position >= end) {
            confirmedAtEnd = now;
        } else if (position >= endAtStart && confirmedAtEnd == null) {
            confirmedAtEnd = endAtStartSeenAt; // everything written before the start is applied
        }
        // Last, so that whoever waits for the start sees the view's freshness already recorded.
        if (position >= endAtStart) {
            view.markLoaded();
            caughtUpAtStart.countDown();
        }
    }

    private void pause() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops following; the view keeps what it holds. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

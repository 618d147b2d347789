package dev.kyoyu.sink.consume;

import java.time.Instant;

/** What /health reports of one consume loop: healthy, or since when and why not. */
public record WorkerHealth(WorkerHealth.State state, Instant since, String reason) {
    public enum State { STARTING, HEALTHY, UNHEALTHY }

    public static WorkerHealth starting() {
        return new WorkerHealth(State.STARTING, Instant.now(), "joining the consumer group");
    }

    public static WorkerHealth healthy() {
        return new WorkerHealth(State.HEALTHY, Instant.now(), null);
    }

    public static WorkerHealth unhealthy(WorkerHealth previous, String reason) {
        Instant since = previous.state() == State.UNHEALTHY ? previous.since() : Instant.now();
        return new WorkerHealth(State.UNHEALTHY, since, reason);
    }
}

--liquibase formatted sql

--changeset kyoyu:002-agent-runs
-- Derived by the sink from RunStarted / RunCompleted / RunFailed events.
CREATE TABLE agent_runs (
    id           uuid        PRIMARY KEY,
    agent_id     text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at   timestamptz NOT NULL,
    completed_at timestamptz,
    metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    stored_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_runs_agent_started_idx ON agent_runs (agent_id, started_at DESC);

--changeset kyoyu:002-agent-events
-- Append-only. The hypertable's unique key must contain the partitioning column, hence (id, occurred_at).
-- kafka_partition/kafka_offset record where the sink read the event: the offset is the run's sequence
-- (all events of an agent share one partition, so the log order is the order the broker accepted them).
CREATE TABLE agent_events (
    id              uuid        NOT NULL,
    run_id          uuid        NOT NULL,
    agent_id        text        NOT NULL,
    event_type      text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    payload         jsonb       NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, occurred_at)
);
SELECT create_hypertable('agent_events', by_range('occurred_at', INTERVAL '1 day'));
CREATE INDEX agent_events_run_sequence_idx ON agent_events (run_id, kafka_offset);
CREATE INDEX agent_events_agent_time_idx ON agent_events (agent_id, occurred_at DESC);
CREATE INDEX agent_events_type_time_idx ON agent_events (event_type, occurred_at DESC);

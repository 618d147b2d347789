--liquibase formatted sql

--changeset kyoyu:003-sink-offsets
-- The next Kafka offset to read per partition, written in the same transaction as the rows it covers.
-- Keyed by topic and partition, not by consumer group: it describes what this database holds, so a
-- database restored to an earlier point also restores where the sink must resume.
CREATE TABLE sink_offsets (
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    next_offset     bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition)
);

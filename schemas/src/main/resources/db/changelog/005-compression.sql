--liquibase formatted sql

--changeset kyoyu:005-event-compression runAlways:false
--preconditions onFail:CONTINUE onFailMessage:TimescaleDB is the Apache edition here (no compression); agent_events stays uncompressed
--precondition-sql-check expectedResult:timescale SELECT current_setting('timescaledb.license')
-- Compression is in TimescaleDB's TSL edition only. Debian's build is Apache: then this changeset is
-- skipped (CONTINUE, not MARK_RAN), so it applies by itself once the database runs the full edition.
ALTER TABLE agent_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'agent_id, run_id',
                              timescaledb.compress_orderby = 'kafka_offset');
SELECT add_compression_policy('agent_events', INTERVAL '7 days');

--liquibase formatted sql

--changeset kyoyu:011-agent-events-key-with-agent splitStatements:false
-- An event id belongs to the agent that wrote it: two agents may send the same (client-chosen) id, and neither
-- may suppress the other's event, so the key includes agent_id. TimescaleDB wants the partitioning column in
-- every unique index, hence (id, agent_id, occurred_at); id stays first, so a lookup by id still uses the key.
-- With compression enabled (TimescaleDB's TSL edition, 005) the key cannot change in place: the chunks are
-- decompressed, compression turned off, the key replaced, then compression and its policy turned on again
-- (the policy compresses the old chunks again in the background).
DO $$
DECLARE
    compressed boolean;
BEGIN
    SELECT coalesce(bool_or(compression_enabled), false) INTO compressed
    FROM timescaledb_information.hypertables WHERE hypertable_name = 'agent_events';
    IF compressed THEN
        PERFORM remove_compression_policy('agent_events', if_exists => true);
        PERFORM decompress_chunk(chunk, if_compressed => true) FROM show_chunks('agent_events') AS chunk;
        ALTER TABLE agent_events SET (timescaledb.compress = false);
    END IF;
    ALTER TABLE agent_events DROP CONSTRAINT agent_events_pkey;
    ALTER TABLE agent_events ADD PRIMARY KEY (id, agent_id, occurred_at);
    IF compressed THEN
        ALTER TABLE agent_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'agent_id, run_id',
                                      timescaledb.compress_orderby = 'kafka_offset');
        PERFORM add_compression_policy('agent_events', INTERVAL '7 days');
    END IF;
END $$;
--rollback ALTER TABLE agent_events DROP CONSTRAINT agent_events_pkey; ALTER TABLE agent_events ADD PRIMARY KEY (id, occurred_at);

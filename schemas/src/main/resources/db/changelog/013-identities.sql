--liquibase formatted sql

--changeset kyoyu:013-identities
-- The identity topic (kyoyu.identities.v1) is the log of record; sink-worker materializes its latest state per key
-- here, in the same transaction as its offsets, so operators can query identities with SQL. Nothing here is
-- consulted to admit a token (both APIs follow the topic itself); query-api reads access_grants.
CREATE TABLE agents (
    agent_id          text        PRIMARY KEY,
    role              text        NOT NULL CHECK (role IN ('admin', 'agent', 'reader')),
    revoked           boolean     NOT NULL,
    created_at        timestamptz NOT NULL,
    tokens_not_before timestamptz,
    updated_at        timestamptz,
    updated_by        text
);
-- Keys are stored only as the lowercase hex SHA-256 of the whole key text; the key itself is shown once.
CREATE TABLE api_keys (
    key_id     text        PRIMARY KEY,
    agent_id   text        NOT NULL,
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_keys_agent_idx ON api_keys (agent_id);
-- Revoking a role: its tokens issued before tokens_not_before are refused.
CREATE TABLE role_token_floors (
    role              text        PRIMARY KEY CHECK (role IN ('admin', 'agent', 'reader')),
    tokens_not_before timestamptz NOT NULL,
    updated_at        timestamptz,
    updated_by        text
);
--rollback DROP TABLE role_token_floors; DROP TABLE api_keys; DROP TABLE agents;

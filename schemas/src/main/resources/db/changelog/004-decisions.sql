--liquibase formatted sql

--changeset kyoyu:004-decisions
-- Bi-temporal: valid_from/valid_to is when the decision held in the world; transaction_time is when
-- Kyoyu learned it. A revision closes the old row (valid_to) and adds a new one; nothing is overwritten.
CREATE TABLE decisions (
    id               uuid             PRIMARY KEY,
    run_id           uuid             NOT NULL,
    agent_id         text             NOT NULL,
    decision_type    text             NOT NULL,
    outcome          text             NOT NULL,
    confidence       double precision CHECK (confidence BETWEEN 0 AND 1),
    reasoning        text,
    metadata         jsonb            NOT NULL DEFAULT '{}'::jsonb,
    valid_from       timestamptz      NOT NULL,
    valid_to         timestamptz,
    transaction_time timestamptz      NOT NULL DEFAULT now(),
    embedding        vector(384),
    source_event_id  uuid             NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX decisions_agent_valid_idx ON decisions (agent_id, valid_from DESC);
CREATE INDEX decisions_type_valid_idx ON decisions (decision_type, valid_from DESC);
CREATE INDEX decisions_run_idx ON decisions (run_id);
CREATE INDEX decisions_embedding_idx ON decisions USING hnsw (embedding vector_cosine_ops);

CREATE TABLE alternatives (
    id               uuid             PRIMARY KEY,
    decision_id      uuid             NOT NULL REFERENCES decisions (id),
    position         integer          NOT NULL,
    label            text             NOT NULL,
    score            double precision CHECK (score BETWEEN 0 AND 1),
    selected         boolean          NOT NULL DEFAULT false,
    rejection_reason text
);
CREATE INDEX alternatives_decision_idx ON alternatives (decision_id, position);

CREATE TABLE evidence (
    id              uuid             PRIMARY KEY,
    decision_id     uuid             NOT NULL REFERENCES decisions (id),
    position        integer          NOT NULL,
    source_type     text             NOT NULL,
    source_uri      text,
    content         text             NOT NULL,
    relevance_score double precision CHECK (relevance_score BETWEEN 0 AND 1)
);
CREATE INDEX evidence_decision_idx ON evidence (decision_id, position);

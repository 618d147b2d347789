--liquibase formatted sql

--changeset kyoyu:007-decision-revisions
-- A revision is a new row whose revises names the row it replaces. The replaced row gets valid_to (the
-- revision's valid_from; 006's trigger stamps valid_to_recorded_at) and nothing else of it changes.
-- No foreign key: the sink may store a /v1/trace decision's revision before the decision itself (two
-- writers), and closes the pair whichever arrives second.
ALTER TABLE decisions ADD COLUMN revises uuid;
-- Finds the revision of a row (the sink closes rows through it) and walks a decision's history.
CREATE INDEX decisions_revises_idx ON decisions (revises) WHERE revises IS NOT NULL;
--rollback DROP INDEX decisions_revises_idx; ALTER TABLE decisions DROP COLUMN revises;

--changeset kyoyu:007-conflicts
-- Written by the sink from kyoyu.conflicts.v1. The id derives from the two decision ids, so a pair detected
-- twice is stored once. No foreign keys to decisions: conflicts and decisions arrive on different topics,
-- and a conflict may be read before the decisions it names.
CREATE TABLE conflicts (
    id               uuid        PRIMARY KEY,
    decision_type    text        NOT NULL,
    decision_a_id    uuid        NOT NULL,
    decision_b_id    uuid        NOT NULL,
    agent_a_id       text        NOT NULL,
    agent_b_id       text        NOT NULL,
    outcome_a        text        NOT NULL,
    outcome_b        text        NOT NULL,
    detected_at      timestamptz NOT NULL,
    transaction_time timestamptz NOT NULL DEFAULT now(),
    CHECK (decision_a_id <> decision_b_id),
    CHECK (agent_a_id <> agent_b_id)
);
CREATE INDEX conflicts_detected_idx ON conflicts (detected_at DESC);
CREATE INDEX conflicts_type_detected_idx ON conflicts (decision_type, detected_at DESC);
CREATE INDEX conflicts_decision_a_idx ON conflicts (decision_a_id);
CREATE INDEX conflicts_decision_b_idx ON conflicts (decision_b_id);
--rollback DROP TABLE conflicts;

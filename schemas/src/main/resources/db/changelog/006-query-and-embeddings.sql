--liquibase formatted sql

--changeset kyoyu:006-access-grants
-- Read access between agents: the grantee may read the owner's decisions (and conflicts between agents it
-- can read). An agent always reads its own; admins read everything. Checked by query-api on every request.
CREATE TABLE access_grants (
    grantee_agent_id text        NOT NULL,
    owner_agent_id   text        NOT NULL,
    granted_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grantee_agent_id, owner_agent_id),
    CHECK (grantee_agent_id <> owner_agent_id)
);
--rollback DROP TABLE access_grants;

--changeset kyoyu:006-current-decisions-index
-- The default structured query reads only current rows (valid_to IS NULL), newest first.
CREATE INDEX decisions_current_valid_idx ON decisions (valid_from DESC) WHERE valid_to IS NULL;
--rollback DROP INDEX decisions_current_valid_idx;

--changeset kyoyu:006-embedding-state
-- Embeddings are computed after the row is stored (embedder/), never on the ingest path.
-- embedding_model: what produced the vector ('all-minilm-l6-v2-q', 'client', 'openai:<model>', 'ollama:<model>').
-- embedding_error: why the text cannot be embedded; such a row is not claimed again (set it back to NULL to retry).
ALTER TABLE decisions
    ADD COLUMN embedding_model text,
    ADD COLUMN embedded_at     timestamptz,
    ADD COLUMN embedding_error text;
-- What the embedders claim: rows still waiting, oldest first. Small, since rows leave it once embedded.
CREATE INDEX decisions_embedding_pending_idx ON decisions (transaction_time)
    WHERE embedding IS NULL AND embedding_error IS NULL;
--rollback DROP INDEX decisions_embedding_pending_idx; ALTER TABLE decisions DROP COLUMN embedding_model, DROP COLUMN embedded_at, DROP COLUMN embedding_error;

--changeset kyoyu:006-valid-to-recorded-at splitStatements:false
-- Bi-temporal reads need to know WHEN Kyoyu learned that a row stopped being valid, not only until when it
-- was valid: a revision recorded at 12:00 that ends a decision's validity at 09:00 must not change what a
-- query "as of 10:00" says was known at 10:00. Closing a row updates valid_to in place, so this trigger
-- stamps that update's transaction time. NULL means valid_to was known from the row's transaction_time on.
ALTER TABLE decisions ADD COLUMN valid_to_recorded_at timestamptz;
CREATE FUNCTION decisions_stamp_valid_to() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.valid_to IS DISTINCT FROM OLD.valid_to THEN
        NEW.valid_to_recorded_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER decisions_valid_to_recorded BEFORE UPDATE OF valid_to ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_stamp_valid_to();
--rollback DROP TRIGGER decisions_valid_to_recorded ON decisions; DROP FUNCTION decisions_stamp_valid_to(); ALTER TABLE decisions DROP COLUMN valid_to_recorded_at;

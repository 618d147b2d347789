--liquibase formatted sql

--changeset kyoyu:008-decision-read-indexes
-- The per-agent and per-type indexes carry every column the query filters read, so that a page's total is
-- counted from the index alone (an index-only scan) instead of visiting thousands of decision rows (bench query).
DROP INDEX decisions_agent_valid_idx;
DROP INDEX decisions_type_valid_idx;
CREATE INDEX decisions_agent_valid_idx ON decisions (agent_id, valid_from DESC)
    INCLUDE (decision_type, outcome, confidence, transaction_time, valid_to, valid_to_recorded_at);
CREATE INDEX decisions_type_valid_idx ON decisions (decision_type, valid_from DESC)
    INCLUDE (agent_id, outcome, confidence, transaction_time, valid_to, valid_to_recorded_at);
--rollback DROP INDEX decisions_agent_valid_idx; DROP INDEX decisions_type_valid_idx;
--rollback CREATE INDEX decisions_agent_valid_idx ON decisions (agent_id, valid_from DESC);
--rollback CREATE INDEX decisions_type_valid_idx ON decisions (decision_type, valid_from DESC);

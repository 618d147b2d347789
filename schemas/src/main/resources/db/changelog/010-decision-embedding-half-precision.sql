--liquibase formatted sql

--changeset kyoyu:010-decision-embedding-halfvec
-- Vectors are stored at half precision (pgvector's halfvec, 2 bytes a dimension): the default model is the
-- int8-quantized MiniLM, whose output carries fewer significant digits than a half float, and cosine ranking over
-- 384 dimensions barely moves at that precision (bench query, HNSW against exact search over the same vectors:
-- recall@10 0.963 on a freshly built 105k-decision dataset, 0.953 before). Half the bytes a row, a graph node and
-- a distance: that dataset's HNSW index is 117 MB, 205 MB before.
-- The column's type changes, so the cosine index is rebuilt with the halfvec operator class (this rewrites the
-- table and locks it while it does: about 35 s for 106k decisions on two cores, most of it building the graph).
SET maintenance_work_mem = '256MB';
DROP INDEX decisions_embedding_idx;
ALTER TABLE decisions ALTER COLUMN embedding TYPE halfvec(384);
ALTER TABLE decisions ALTER COLUMN embedding SET STORAGE PLAIN;
-- A denser graph than pgvector's default (m 16, ef_construction 64) finds more of the true nearest for fewer
-- candidates searched: recall@10 0.970 at ef_search 400 (4.1 ms), where the default graph gave 0.963 at 800 (7.0 ms),
-- on the bench's 106k decisions. Building it costs about twice as much (32 s instead of 14 for those decisions).
CREATE INDEX decisions_embedding_idx ON decisions USING hnsw (embedding halfvec_cosine_ops) WITH (m = 24, ef_construction = 128);
RESET maintenance_work_mem;
--rollback DROP INDEX decisions_embedding_idx;
--rollback ALTER TABLE decisions ALTER COLUMN embedding TYPE vector(384);
--rollback ALTER TABLE decisions ALTER COLUMN embedding SET STORAGE PLAIN;
--rollback CREATE INDEX decisions_embedding_idx ON decisions USING hnsw (embedding vector_cosine_ops);

--changeset kyoyu:010-decision-type-embedding-index
-- An exact search within a decision type (DecisionStatements.search) reads this index alone: it carries every
-- column the search filters read and the vector, packed about nine decisions to a page, where the decision rows
-- of one type are scattered about one to a page. Bench data: 15k decisions of one type ranked in 6 ms instead
-- of 16. It is an index of its own so the structured queries keep counting from the narrow type index (008).
CREATE INDEX decisions_type_embedding_idx ON decisions (decision_type)
    INCLUDE (valid_from, agent_id, outcome, confidence, transaction_time, valid_to, valid_to_recorded_at, id, embedding)
    WHERE embedding IS NOT NULL;
--rollback DROP INDEX decisions_type_embedding_idx;

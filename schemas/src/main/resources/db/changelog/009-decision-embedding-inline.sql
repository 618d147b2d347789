--liquibase formatted sql

--changeset kyoyu:009-decision-embedding-inline
-- pgvector stores a vector EXTERNAL, so a decision row with its reasoning goes over the 2 kB toast threshold and its
-- 1.5 kB embedding moves to the toast table: an exact ranking then reads about six buffers a row instead of one
-- (bench query: 80 ms for 13,650 rows, 19 ms with the vectors inline). PLAIN keeps the vector in the row; the
-- reasoning and metadata are moved out instead when a row is large. Rows written before this keep their toasted
-- vectors until they are rewritten (the embedder's UPDATE, or VACUUM FULL decisions in a maintenance window).
ALTER TABLE decisions ALTER COLUMN embedding SET STORAGE PLAIN;
--rollback ALTER TABLE decisions ALTER COLUMN embedding SET STORAGE EXTERNAL;

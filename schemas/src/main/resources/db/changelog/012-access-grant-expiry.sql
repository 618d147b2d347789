--liquibase formatted sql

--changeset kyoyu:012-access-grant-expiry
-- A grant may be given until a time; every read path (queries, search, history, conflicts, live subscriptions)
-- honours it. NULL: until withdrawn. granted_by names the admin who gave it.
ALTER TABLE access_grants ADD COLUMN expires_at timestamptz;
ALTER TABLE access_grants ADD COLUMN granted_by text;
--rollback ALTER TABLE access_grants DROP COLUMN granted_by; ALTER TABLE access_grants DROP COLUMN expires_at;

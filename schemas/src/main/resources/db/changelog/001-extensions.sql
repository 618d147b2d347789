--liquibase formatted sql

--changeset kyoyu:001-extensions
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE EXTENSION IF NOT EXISTS vector;
--rollback DROP EXTENSION vector; DROP EXTENSION timescaledb;

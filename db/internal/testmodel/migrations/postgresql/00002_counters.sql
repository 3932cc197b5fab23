-- +goose Up
CREATE TABLE counters (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP, updated_at TIMESTAMP, deleted_at TIMESTAMP, deleted BIGINT NOT NULL DEFAULT 0,
    revision BIGINT NOT NULL DEFAULT 1,
    name VARCHAR(255) NOT NULL,
    value BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT uniq_counters0name0deleted UNIQUE (name, deleted)
);

CREATE TABLE notes (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP, updated_at TIMESTAMP, deleted_at TIMESTAMP, deleted BIGINT NOT NULL DEFAULT 0,
    title VARCHAR(255), body TEXT, hits BIGINT NOT NULL DEFAULT 0
);

-- Each run of a run-once-per-cluster task (the lease tests).
CREATE TABLE lease_runs (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(255) NOT NULL, owner VARCHAR(255) NOT NULL, token BIGINT NOT NULL,
    acquired_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, ran_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE lease_runs;
DROP TABLE notes;
DROP TABLE counters;

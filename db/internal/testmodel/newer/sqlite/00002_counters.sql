-- +goose Up
CREATE TABLE counters (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 1,
    name VARCHAR(255) NOT NULL,
    value INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT uniq_counters0name0deleted UNIQUE (name, deleted)
);

CREATE TABLE notes (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INTEGER NOT NULL DEFAULT 0,
    title VARCHAR(255), body TEXT, hits INTEGER NOT NULL DEFAULT 0
);

-- Each run of a run-once-per-cluster task (the lease tests).
CREATE TABLE lease_runs (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(255) NOT NULL, owner VARCHAR(255) NOT NULL, token INTEGER NOT NULL,
    acquired_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, ran_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE lease_runs;
DROP TABLE notes;
DROP TABLE counters;

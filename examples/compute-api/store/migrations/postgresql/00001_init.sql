-- The compute API's tables: flavors and servers, with OpenStack's model
-- columns (created_at, updated_at, deleted_at, deleted).

-- +goose Up
CREATE TABLE flavors (
    id          BIGSERIAL PRIMARY KEY,
    created_at  TIMESTAMP,
    updated_at  TIMESTAMP,
    deleted_at  TIMESTAMP,
    deleted     INTEGER NOT NULL DEFAULT 0,
    name        VARCHAR(255) NOT NULL,
    vcpus       INTEGER NOT NULL,
    memory_mb   INTEGER NOT NULL,
    root_gb     INTEGER NOT NULL DEFAULT 0,
    is_public   BOOLEAN NOT NULL DEFAULT TRUE,
    extra_specs TEXT,
    description TEXT,
    CONSTRAINT uniq_flavors0name0deleted UNIQUE (name, deleted)
);

CREATE TABLE servers (
    id           BIGSERIAL PRIMARY KEY,
    created_at   TIMESTAMP,
    updated_at   TIMESTAMP,
    deleted_at   TIMESTAMP,
    deleted      INTEGER NOT NULL DEFAULT 0,
    uuid         VARCHAR(36) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    description  TEXT,
    status       VARCHAR(16) NOT NULL,
    project_id   VARCHAR(255) NOT NULL,
    user_id      VARCHAR(255) NOT NULL,
    flavor_id    BIGINT NOT NULL,
    metadata     TEXT,
    access_ip_v4 VARCHAR(39),
    launched_at  TIMESTAMP,
    CONSTRAINT uniq_servers0uuid UNIQUE (uuid)
);
CREATE INDEX servers_project_idx ON servers (project_id, deleted);
CREATE INDEX servers_status_idx ON servers (status, deleted);

-- +goose Down
DROP TABLE servers;
DROP TABLE flavors;

-- goslo's own tables: leases (Lease) and the service heartbeats
-- (ReportState), as nova's services table. Times are naive UTC.

-- +goose Up
CREATE TABLE goslo_leases (
    name        VARCHAR(255) NOT NULL PRIMARY KEY,
    owner       VARCHAR(255) NOT NULL,
    token       BIGINT NOT NULL,
    acquired_at TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);

CREATE TABLE goslo_services (
    id              SERIAL PRIMARY KEY,
    created_at      TIMESTAMP,
    updated_at      TIMESTAMP,
    deleted_at      TIMESTAMP,
    deleted         INTEGER NOT NULL DEFAULT 0,
    host            VARCHAR(255) NOT NULL,
    "binary"        VARCHAR(255) NOT NULL,
    topic           VARCHAR(255),
    report_count    INTEGER NOT NULL DEFAULT 0,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason VARCHAR(255),
    last_seen_up    TIMESTAMP,
    forced_down     BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT uniq_services0host0binary0deleted UNIQUE (host, "binary", deleted)
);

-- +goose Down
DROP TABLE goslo_services;
DROP TABLE goslo_leases;

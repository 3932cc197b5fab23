-- goslo's own tables: leases (Lease) and the service heartbeats
-- (ReportState), as nova's services table. Times are naive UTC text.

-- +goose Up
CREATE TABLE goslo_leases (
    name        VARCHAR(255) NOT NULL PRIMARY KEY,
    owner       VARCHAR(255) NOT NULL,
    token       INTEGER NOT NULL,
    acquired_at DATETIME NOT NULL,
    expires_at  DATETIME NOT NULL
);

CREATE TABLE goslo_services (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at      DATETIME,
    updated_at      DATETIME,
    deleted_at      DATETIME,
    deleted         INTEGER NOT NULL DEFAULT 0,
    host            VARCHAR(255) NOT NULL,
    "binary"        VARCHAR(255) NOT NULL,
    topic           VARCHAR(255),
    report_count    INTEGER NOT NULL DEFAULT 0,
    disabled        BOOLEAN NOT NULL DEFAULT 0,
    disabled_reason VARCHAR(255),
    last_seen_up    DATETIME,
    forced_down     BOOLEAN NOT NULL DEFAULT 0,
    CONSTRAINT uniq_services0host0binary0deleted UNIQUE (host, "binary", deleted)
);

-- +goose Down
DROP TABLE goslo_services;
DROP TABLE goslo_leases;

-- +goose Up
CREATE TABLE widgets (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 1,
    name VARCHAR(255), secret VARCHAR(255), count INTEGER, nni INTEGER, ratio REAL, nnf REAL,
    flag BOOLEAN, flex BOOLEAN, uuid VARCHAR(36), born DATETIME, color VARCHAR(16), mac VARCHAR(17),
    ip VARCHAR(64), ip4 VARCHAR(64), ip6 VARCHAR(64), ip46 VARCHAR(64),
    net VARCHAR(64), net4 VARCHAR(64), net6 VARCHAR(64),
    tags TEXT, nums TEXT, dates TEXT, meta TEXT, nmeta TEXT, ports TEXT, addrs TEXT, part TEXT, parts TEXT
);
CREATE INDEX widgets_name_idx ON widgets (name);

-- +goose Down
DROP TABLE widgets;

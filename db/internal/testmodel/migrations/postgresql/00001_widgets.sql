-- +goose Up
CREATE TABLE widgets (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP, updated_at TIMESTAMP, deleted_at TIMESTAMP, deleted BIGINT NOT NULL DEFAULT 0,
    revision BIGINT NOT NULL DEFAULT 1,
    name VARCHAR(255), secret VARCHAR(255), count BIGINT, nni BIGINT, ratio DOUBLE PRECISION, nnf DOUBLE PRECISION,
    flag BOOLEAN, flex BOOLEAN, uuid VARCHAR(36), born TIMESTAMP, color VARCHAR(16), mac VARCHAR(17),
    ip VARCHAR(64), ip4 VARCHAR(64), ip6 VARCHAR(64), ip46 VARCHAR(64),
    net VARCHAR(64), net4 VARCHAR(64), net6 VARCHAR(64),
    tags TEXT, nums TEXT, dates TEXT, meta JSONB, nmeta JSON, ports TEXT, addrs TEXT, part JSONB, parts TEXT
);
CREATE INDEX widgets_name_idx ON widgets (name);

-- +goose Down
DROP TABLE widgets;

-- +goose Up
ALTER TABLE counters ADD COLUMN note VARCHAR(255);

-- +goose Down
ALTER TABLE counters DROP COLUMN note;

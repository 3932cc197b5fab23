-- The default flavors, as a new deployment's operator would create them.

-- +goose Up
INSERT INTO flavors (created_at, updated_at, deleted, name, vcpus, memory_mb, root_gb, is_public, extra_specs)
VALUES
    ((now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'), 0, 'm1.tiny', 1, 512, 1, TRUE, '{}'),
    ((now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'), 0, 'm1.small', 1, 2048, 20, TRUE, '{}'),
    ((now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'), 0, 'm1.medium', 2, 4096, 40, TRUE, '{}'),
    ((now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'), 0, 'm1.large', 4, 8192, 80, TRUE, '{}'),
    ((now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'), 0, 'm1.xlarge', 8, 16384, 160, TRUE, '{}');

-- +goose Down
DELETE FROM flavors WHERE name IN ('m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge');

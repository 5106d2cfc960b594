-- +goose Up
-- Durable background jobs (the outbox): a job is inserted in the same
-- transaction as the business change that needs it, so it exists exactly
-- when the change does. Workers lease due jobs; a lease that runs out
-- (the worker died) makes the job due again.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    market       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedupe_key   TEXT UNIQUE,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'dead')),
    run_at       {{TIMESTAMP}} NOT NULL,
    leased_until {{TIMESTAMP}},
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   {{TIMESTAMP}} NOT NULL,
    finished_at  {{TIMESTAMP}}
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- +goose Down
DROP TABLE jobs;

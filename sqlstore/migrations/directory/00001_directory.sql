-- +goose Up
-- The global directory: which market a login identifier belongs to, so that
-- signing in finds the one region that holds the account. It stores a keyed
-- hash of the identifier, never the identifier itself, and nothing else.
CREATE TABLE logins (
    login_hash TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    created_at {{TIMESTAMP}} NOT NULL
);

-- +goose Down
DROP TABLE logins;

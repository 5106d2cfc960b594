-- +goose Up
-- The double-entry ledger (package ledger): append-only transactions whose
-- postings sum to zero, and each account's balance kept in step with its
-- postings in the same database transaction, so that reading a balance is
-- one row and a payout beyond it is refused atomically. Amounts are minor
-- units; positive is a debit, negative a credit.
CREATE TABLE ledger_transactions (
    id       TEXT PRIMARY KEY,
    market   TEXT NOT NULL,
    currency TEXT NOT NULL,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL UNIQUE, -- idempotency: a retried job posts once
    ref      TEXT NOT NULL DEFAULT '',
    memo     TEXT NOT NULL DEFAULT '',
    at       {{TIMESTAMP}} NOT NULL
);
CREATE INDEX ledger_transactions_ref ON ledger_transactions (ref, at);

CREATE TABLE ledger_postings (
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    position       INTEGER NOT NULL,
    account        TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (transaction_id, position)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account);

-- owed marks accounts holding someone else's money (an order's, a seller's,
-- a creator's): the code refuses to overdraw them, and the CHECK is the
-- backstop should any write get past it.
CREATE TABLE ledger_balances (
    account  TEXT PRIMARY KEY,
    market   TEXT NOT NULL,
    currency TEXT NOT NULL,
    owed     BOOLEAN NOT NULL,
    balance  BIGINT NOT NULL,
    CHECK (NOT owed OR balance <= 0)
);

-- +goose Down
DROP TABLE ledger_balances;
DROP TABLE ledger_postings;
DROP TABLE ledger_transactions;

-- +goose Up
-- Partial refunds (package order): a seller gives back part of a paid
-- order before it completes. orders.refunded is what has been promised
-- back so far, raised with a conditional update so that refunds can never
-- add up to more than the total; each refund is a row its job pays out
-- and books, and prior is what had been refunded before it, from which
-- the creators' share to reverse is prorated exactly.
ALTER TABLE orders ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;

CREATE TABLE order_refunds (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    market     TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    prior      BIGINT NOT NULL CHECK (prior >= 0),
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    created_at {{TIMESTAMP}} NOT NULL,
    done_at    {{TIMESTAMP}}
);
CREATE INDEX order_refunds_order ON order_refunds (order_id, status);

-- +goose Down
DROP TABLE order_refunds;
ALTER TABLE orders DROP COLUMN refunded;

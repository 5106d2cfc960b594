-- +goose Up
-- Affiliate plans (package affiliate). Rates are a history: each change is
-- a row, and the rules that decide which row a creator earns by are in Go.
-- product_id '' is the plan's shop-wide rate.
CREATE TABLE affiliate_plans (
    id             TEXT PRIMARY KEY,
    market         TEXT NOT NULL,
    shop_id        TEXT NOT NULL REFERENCES shops (id),
    kind           TEXT NOT NULL CHECK (kind IN ('OPEN', 'TARGETED')),
    name           TEXT NOT NULL,
    needs_approval BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at     {{TIMESTAMP}},
    status         TEXT NOT NULL CHECK (status IN ('ACTIVE', 'ENDED')),
    created_at     {{TIMESTAMP}} NOT NULL,
    ended_at       {{TIMESTAMP}}
);
CREATE INDEX affiliate_plans_shop ON affiliate_plans (shop_id, id);
CREATE INDEX affiliate_plans_open ON affiliate_plans (market, kind, status, id);

CREATE TABLE affiliate_rates (
    plan_id    TEXT NOT NULL REFERENCES affiliate_plans (id),
    product_id TEXT NOT NULL DEFAULT '',
    rate_bps   INTEGER NOT NULL CHECK (rate_bps BETWEEN 100 AND 8000),
    changed_at {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (plan_id, product_id, changed_at)
);

CREATE TABLE affiliate_invites (
    plan_id    TEXT NOT NULL REFERENCES affiliate_plans (id),
    creator_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, creator_id)
);

CREATE TABLE affiliate_members (
    plan_id    TEXT NOT NULL REFERENCES affiliate_plans (id),
    creator_id TEXT NOT NULL,
    market     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    joined_at  {{TIMESTAMP}} NOT NULL,
    decided_at {{TIMESTAMP}},
    PRIMARY KEY (plan_id, creator_id)
);
CREATE INDEX affiliate_members_creator ON affiliate_members (creator_id, plan_id);

-- What a creator earns on an order line: the rate of the plan that paid
-- it at checkout, and the commission on the line's price before tax.
ALTER TABLE order_lines ADD COLUMN plan_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN commission_bps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN creator_commission BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE order_lines DROP COLUMN creator_commission;
ALTER TABLE order_lines DROP COLUMN commission_bps;
ALTER TABLE order_lines DROP COLUMN plan_id;
DROP TABLE affiliate_members;
DROP TABLE affiliate_invites;
DROP TABLE affiliate_rates;
DROP TABLE affiliate_plans;

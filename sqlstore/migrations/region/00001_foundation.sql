-- +goose Up
-- Identity: accounts of one market, their sign-ins, and their roles in shops.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    market        TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_creator    BOOLEAN NOT NULL DEFAULT FALSE,
    staff_roles   TEXT NOT NULL DEFAULT '',
    staff_regions TEXT NOT NULL DEFAULT '',
    created_at    {{TIMESTAMP}} NOT NULL
);

-- Sign-in matches an address whatever the case of its local part.
CREATE UNIQUE INDEX accounts_email_lower ON accounts (LOWER(email));

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at {{TIMESTAMP}} NOT NULL,
    expires_at {{TIMESTAMP}} NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE shops (
    id         TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at {{TIMESTAMP}} NOT NULL,
    UNIQUE (market, name)
);

CREATE TABLE shop_members (
    shop_id    TEXT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    created_at {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (shop_id, account_id)
);
CREATE INDEX shop_members_account ON shop_members (account_id);

-- Catalog: the minimum the demo storefront needs; the catalog issue grows it.
CREATE TABLE products (
    id           TEXT PRIMARY KEY,
    shop_id      TEXT NOT NULL REFERENCES shops (id),
    market       TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    category     TEXT NOT NULL,
    brand        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    audit_status TEXT NOT NULL,
    image_key    TEXT NOT NULL DEFAULT '',
    created_at   {{TIMESTAMP}} NOT NULL,
    updated_at   {{TIMESTAMP}} NOT NULL
);
CREATE INDEX products_market_status ON products (market, status, id);
CREATE INDEX products_shop ON products (shop_id, id);

CREATE TABLE skus (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    seller_sku   TEXT NOT NULL DEFAULT '',
    price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
    currency     TEXT NOT NULL,
    created_at   {{TIMESTAMP}} NOT NULL
);
CREATE INDEX skus_product ON skus (product_id);

-- Exactly-once unsafe requests: the first response to a key is kept and
-- replayed. status 0 marks a request still being handled.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    response_body {{BYTES}},
    created_at    {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE skus;
DROP TABLE products;
DROP TABLE shop_members;
DROP TABLE shops;
DROP TABLE sessions;
DROP TABLE accounts;

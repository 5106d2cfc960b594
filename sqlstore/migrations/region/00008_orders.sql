-- +goose Up
-- Carts, checkouts and orders (package order). A checkout pays for one
-- order per shop; each order line holds its stock from one warehouse,
-- reserved at checkout, sold once paid, or released. The buyer's
-- Idempotency-Key is unique per buyer, so a repeated request finds the
-- first checkout. Addresses are personal data and live here, in the
-- buyer's region.
CREATE TABLE cart_items (
    buyer_id TEXT NOT NULL,
    sku_id   TEXT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    added_at {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (buyer_id, sku_id)
);

CREATE TABLE checkouts (
    id              TEXT PRIMARY KEY,
    market          TEXT NOT NULL,
    buyer_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'CONFIRMED', 'DECLINED', 'EXPIRED')),
    payment_method  TEXT NOT NULL,
    provider        TEXT NOT NULL,
    charge_id       TEXT NOT NULL DEFAULT '',
    currency        TEXT NOT NULL,
    total           BIGINT NOT NULL CHECK (total >= 0),
    decline_code    TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    expires_at      {{TIMESTAMP}} NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL,
    updated_at      {{TIMESTAMP}} NOT NULL,
    UNIQUE (buyer_id, idempotency_key)
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    checkout_id     TEXT NOT NULL REFERENCES checkouts (id),
    market          TEXT NOT NULL,
    shop_id         TEXT NOT NULL REFERENCES shops (id),
    buyer_id        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPING', 'AWAITING_COLLECTION',
                                                    'IN_TRANSIT', 'DELIVERED', 'COMPLETED', 'CANCELLED')),
    currency        TEXT NOT NULL,
    subtotal        BIGINT NOT NULL,
    shipping_fee    BIGINT NOT NULL,
    tax             BIGINT NOT NULL,
    total           BIGINT NOT NULL CHECK (total >= 0),
    payment_method  TEXT NOT NULL,
    payment_fee     BIGINT NOT NULL,
    commission      BIGINT NOT NULL,
    ship_to         TEXT NOT NULL,
    carrier         TEXT NOT NULL DEFAULT '',
    tracking_number TEXT NOT NULL DEFAULT '',
    cancel_reason   TEXT NOT NULL DEFAULT '',
    cancelled_by    TEXT NOT NULL DEFAULT '',
    hold_until      {{TIMESTAMP}},
    paid_at         {{TIMESTAMP}},
    shipped_at      {{TIMESTAMP}},
    delivered_at    {{TIMESTAMP}},
    completed_at    {{TIMESTAMP}},
    cancelled_at    {{TIMESTAMP}},
    created_at      {{TIMESTAMP}} NOT NULL,
    updated_at      {{TIMESTAMP}} NOT NULL
);
CREATE INDEX orders_checkout ON orders (checkout_id);
CREATE INDEX orders_buyer ON orders (buyer_id, id);
CREATE INDEX orders_shop ON orders (shop_id, status, id);

CREATE TABLE order_lines (
    order_id     TEXT NOT NULL REFERENCES orders (id),
    line_no      INTEGER NOT NULL,
    sku_id       TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    warehouse_id TEXT NOT NULL,
    title        TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '',
    seller_sku   TEXT NOT NULL DEFAULT '',
    quantity     BIGINT NOT NULL CHECK (quantity > 0),
    unit_price   BIGINT NOT NULL CHECK (unit_price >= 0),
    tax          BIGINT NOT NULL,
    stock        TEXT NOT NULL CHECK (stock IN ('reserved', 'sold', 'released')),
    shipped      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (order_id, line_no)
);

-- +goose Down
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE checkouts;
DROP TABLE cart_items;

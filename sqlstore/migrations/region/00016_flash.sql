-- +goose Up
-- Live rooms' flash sales: a SKU at a deal price with a hard allocation.
-- Checkout takes units out of the allocation with a conditional update in
-- its own transaction; the CHECKs stand behind it, so that no more is ever
-- sold than allocated, nor to one buyer more than the limit.
CREATE TABLE live_flash_sales (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES live_rooms (id),
    market     TEXT NOT NULL,
    sku_id     TEXT NOT NULL REFERENCES skus (id),
    product_id TEXT NOT NULL,
    price      BIGINT NOT NULL CHECK (price > 0),
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    sold       BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= quantity),
    per_buyer  BIGINT NOT NULL CHECK (per_buyer > 0),
    ends_at    {{TIMESTAMP}} NOT NULL,
    created_at {{TIMESTAMP}} NOT NULL
);
CREATE INDEX live_flash_sales_room ON live_flash_sales (room_id, id);

CREATE TABLE live_flash_buyers (
    sale_id  TEXT NOT NULL REFERENCES live_flash_sales (id),
    buyer_id TEXT NOT NULL,
    units    BIGINT NOT NULL CHECK (units >= 0),
    PRIMARY KEY (sale_id, buyer_id)
);

ALTER TABLE order_lines ADD COLUMN flash_sale_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE order_lines DROP COLUMN flash_sale_id;
DROP TABLE live_flash_buyers;
DROP TABLE live_flash_sales;

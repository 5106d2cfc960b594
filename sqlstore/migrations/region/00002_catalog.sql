-- +goose Up
-- Shops: onboarding details, and the probation that caps new listings.
ALTER TABLE shops ADD COLUMN business_type TEXT NOT NULL DEFAULT 'INDIVIDUAL';
ALTER TABLE shops ADD COLUMN legal_name TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN ships_from TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN probation_until {{TIMESTAMP}};

CREATE TABLE warehouses (
    id          TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    market      TEXT NOT NULL,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    postal_code TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('SELLER', 'PLATFORM')),
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  {{TIMESTAMP}} NOT NULL,
    UNIQUE (shop_id, name)
);

-- Products: a handle for imports, options, tags, sanitised HTML.
ALTER TABLE products ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN description_html TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN options TEXT NOT NULL DEFAULT '[]';
ALTER TABLE products ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX products_shop_handle ON products (shop_id, handle) WHERE handle <> '';
CREATE INDEX products_shop_created ON products (shop_id, created_at);

ALTER TABLE skus ADD COLUMN shop_id TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN option1 TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN option2 TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN option3 TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN compare_at_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN weight_grams INTEGER NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN barcode TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX skus_shop_seller_sku ON skus (shop_id, seller_sku) WHERE seller_sku <> '';

CREATE TABLE product_images (
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    media_key  TEXT NOT NULL,
    alt        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (product_id, position)
);

-- Inventory per SKU per warehouse. received counts every unit the seller
-- ever put in; reserved and sold count what checkout took. The CHECK is the
-- database's backstop for "no oversell": whatever the code does, a row can
-- never promise more than was received.
CREATE TABLE inventory (
    sku_id       TEXT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    received     BIGINT NOT NULL DEFAULT 0,
    reserved     BIGINT NOT NULL DEFAULT 0,
    sold         BIGINT NOT NULL DEFAULT 0,
    updated_at   {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (sku_id, warehouse_id),
    CHECK (received >= 0 AND reserved >= 0 AND sold >= 0 AND sold + reserved <= received)
);

CREATE TABLE inventory_adjustments (
    id           TEXT PRIMARY KEY,
    sku_id       TEXT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    delta        BIGINT NOT NULL,
    received     BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    actor_id     TEXT NOT NULL,
    created_at   {{TIMESTAMP}} NOT NULL
);
CREATE INDEX inventory_adjustments_sku ON inventory_adjustments (sku_id, created_at);

-- +goose Down
DROP TABLE inventory_adjustments;
DROP TABLE inventory;
DROP TABLE product_images;
DROP INDEX skus_shop_seller_sku;
DROP INDEX products_shop_created;
DROP INDEX products_shop_handle;
DROP TABLE warehouses;
ALTER TABLE skus DROP COLUMN position;
ALTER TABLE skus DROP COLUMN barcode;
ALTER TABLE skus DROP COLUMN weight_grams;
ALTER TABLE skus DROP COLUMN compare_at_amount;
ALTER TABLE skus DROP COLUMN option3;
ALTER TABLE skus DROP COLUMN option2;
ALTER TABLE skus DROP COLUMN option1;
ALTER TABLE skus DROP COLUMN shop_id;
ALTER TABLE products DROP COLUMN review_note;
ALTER TABLE products DROP COLUMN tags;
ALTER TABLE products DROP COLUMN options;
ALTER TABLE products DROP COLUMN description_html;
ALTER TABLE products DROP COLUMN handle;
ALTER TABLE shops DROP COLUMN probation_until;
ALTER TABLE shops DROP COLUMN ships_from;
ALTER TABLE shops DROP COLUMN contact_email;
ALTER TABLE shops DROP COLUMN legal_name;
ALTER TABLE shops DROP COLUMN business_type;

-- +goose Up
-- Free samples creators ask sellers for (package affiliate).
CREATE TABLE affiliate_samples (
    id              TEXT PRIMARY KEY,
    market          TEXT NOT NULL,
    shop_id         TEXT NOT NULL REFERENCES shops (id),
    creator_id      TEXT NOT NULL,
    product_id      TEXT NOT NULL REFERENCES products (id),
    status          TEXT NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED', 'SHIPPED', 'CONTENT_POSTED')),
    note            TEXT NOT NULL DEFAULT '',
    seller_note     TEXT NOT NULL DEFAULT '',
    carrier         TEXT NOT NULL DEFAULT '',
    tracking_number TEXT NOT NULL DEFAULT '',
    content_due_at  {{TIMESTAMP}},
    video_id        TEXT NOT NULL DEFAULT '',
    created_at      {{TIMESTAMP}} NOT NULL,
    updated_at      {{TIMESTAMP}} NOT NULL
);
CREATE INDEX affiliate_samples_shop ON affiliate_samples (shop_id, id);
CREATE INDEX affiliate_samples_creator ON affiliate_samples (creator_id, id);

-- +goose Down
DROP TABLE affiliate_samples;

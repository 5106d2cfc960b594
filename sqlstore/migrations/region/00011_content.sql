-- +goose Up
-- Short videos and what they sell (package content). A video is posted by
-- a shop or by a creator; its anchors link up to six products, in order;
-- a creator's showcase tiles place product cards in the video; a shop's
-- promo tile is kept as JSON, read and written whole. Counters are kept on
-- the video for the feed's ranking.
CREATE TABLE videos (
    id            TEXT PRIMARY KEY,
    market        TEXT NOT NULL,
    shop_id       TEXT REFERENCES shops (id),
    creator_id    TEXT,
    author_name   TEXT NOT NULL,
    caption       TEXT NOT NULL,
    media_key     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    poster_key    TEXT NOT NULL DEFAULT '',
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('LIVE', 'REMOVED')),
    promo_tile    TEXT NOT NULL DEFAULT '',
    views         BIGINT NOT NULL DEFAULT 0,
    anchor_clicks BIGINT NOT NULL DEFAULT 0,
    created_at    {{TIMESTAMP}} NOT NULL,
    CHECK ((shop_id IS NULL) <> (creator_id IS NULL))
);
CREATE INDEX videos_feed ON videos (market, status, created_at);
CREATE INDEX videos_shop ON videos (shop_id, id);
CREATE INDEX videos_creator ON videos (creator_id, id);

CREATE TABLE video_products (
    video_id   TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    kind       TEXT NOT NULL CHECK (kind IN ('anchor', 'tile')),
    position   INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (video_id, kind, position)
);
CREATE INDEX video_products_product ON video_products (product_id);

-- A creator's showcase: the products it promotes on its profile.
CREATE TABLE showcase_items (
    creator_id TEXT NOT NULL,
    market     TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    added_at   {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (creator_id, product_id)
);

-- Touches: a buyer's taps from content to a product, for attribution
-- (the last touch of a product before an order) and the feed's affinity.
CREATE TABLE content_touches (
    id         TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    buyer_id   TEXT NOT NULL,
    product_id TEXT NOT NULL,
    video_id   TEXT NOT NULL DEFAULT '',
    creator_id TEXT NOT NULL DEFAULT '',
    shop_id    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('anchor', 'tile', 'showcase')),
    at         {{TIMESTAMP}} NOT NULL
);
CREATE INDEX content_touches_buyer ON content_touches (buyer_id, product_id, at);
CREATE INDEX content_touches_buyer_at ON content_touches (buyer_id, at);

-- Where each order line came from: set at checkout from the buyer's last
-- touch of the product.
ALTER TABLE order_lines ADD COLUMN source_video_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN source_creator_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN source_kind TEXT NOT NULL DEFAULT '';
CREATE INDEX order_lines_source_video ON order_lines (source_video_id) WHERE source_video_id <> '';

-- +goose Down
DROP INDEX order_lines_source_video;
ALTER TABLE order_lines DROP COLUMN source_kind;
ALTER TABLE order_lines DROP COLUMN source_creator_id;
ALTER TABLE order_lines DROP COLUMN source_video_id;
DROP TABLE content_touches;
DROP TABLE showcase_items;
DROP TABLE video_products;
DROP TABLE videos;

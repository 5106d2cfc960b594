-- +goose Up
-- Live rooms are content too: a buyer's tap on a room's product is a
-- touch of kind 'live', and an order line bought after it (or in the
-- room's flash sale) names the room it came from, so that a room's
-- figures count every order it brought, not only its flash deals.
-- SQLite cannot change a CHECK constraint: the table is rebuilt.
CREATE TABLE content_touches_new (
    id         TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    buyer_id   TEXT NOT NULL,
    product_id TEXT NOT NULL,
    video_id   TEXT NOT NULL DEFAULT '',
    creator_id TEXT NOT NULL DEFAULT '',
    shop_id    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('anchor', 'tile', 'showcase', 'live')),
    at         TIMESTAMP NOT NULL,
    room_id    TEXT NOT NULL DEFAULT ''
);
INSERT INTO content_touches_new (id, market, buyer_id, product_id, video_id, creator_id, shop_id, kind, at)
    SELECT id, market, buyer_id, product_id, video_id, creator_id, shop_id, kind, at FROM content_touches;
DROP TABLE content_touches;
ALTER TABLE content_touches_new RENAME TO content_touches;
CREATE INDEX content_touches_buyer ON content_touches (buyer_id, product_id, at);
CREATE INDEX content_touches_buyer_at ON content_touches (buyer_id, at);

ALTER TABLE order_lines ADD COLUMN source_room_id TEXT NOT NULL DEFAULT '';
-- Lines bought in a flash sale before now name its room; those that came
-- from nothing else are the room's alone (kind 'live'), and those that came
-- from a video or a creator keep that source.
UPDATE order_lines SET source_room_id = COALESCE((SELECT f.room_id FROM live_flash_sales f WHERE f.id = order_lines.flash_sale_id), '')
    WHERE flash_sale_id <> '';
UPDATE order_lines SET source_kind = 'live' WHERE source_room_id <> '' AND source_kind = '';
CREATE INDEX order_lines_source_room ON order_lines (source_room_id) WHERE source_room_id <> '';

-- +goose Down
DROP INDEX order_lines_source_room;
UPDATE order_lines SET source_kind = '' WHERE source_kind = 'live';
ALTER TABLE order_lines DROP COLUMN source_room_id;
CREATE TABLE content_touches_old (
    id         TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    buyer_id   TEXT NOT NULL,
    product_id TEXT NOT NULL,
    video_id   TEXT NOT NULL DEFAULT '',
    creator_id TEXT NOT NULL DEFAULT '',
    shop_id    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('anchor', 'tile', 'showcase')),
    at         TIMESTAMP NOT NULL
);
INSERT INTO content_touches_old (id, market, buyer_id, product_id, video_id, creator_id, shop_id, kind, at)
    SELECT id, market, buyer_id, product_id, video_id, creator_id, shop_id, kind, at FROM content_touches WHERE kind <> 'live';
DROP TABLE content_touches;
ALTER TABLE content_touches_old RENAME TO content_touches;
CREATE INDEX content_touches_buyer ON content_touches (buyer_id, product_id, at);
CREATE INDEX content_touches_buyer_at ON content_touches (buyer_id, at);

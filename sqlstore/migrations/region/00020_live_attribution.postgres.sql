-- +goose Up
-- Live rooms are content too: a buyer's tap on a room's product is a
-- touch of kind 'live', and an order line bought after it (or in the
-- room's flash sale) names the room it came from, so that a room's
-- figures count every order it brought, not only its flash deals.
ALTER TABLE content_touches ADD COLUMN room_id TEXT NOT NULL DEFAULT '';
ALTER TABLE content_touches DROP CONSTRAINT content_touches_kind_check;
ALTER TABLE content_touches ADD CONSTRAINT content_touches_kind_check CHECK (kind IN ('anchor', 'tile', 'showcase', 'live'));

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
DELETE FROM content_touches WHERE kind = 'live';
ALTER TABLE content_touches DROP CONSTRAINT content_touches_kind_check;
ALTER TABLE content_touches ADD CONSTRAINT content_touches_kind_check CHECK (kind IN ('anchor', 'tile', 'showcase'));
ALTER TABLE content_touches DROP COLUMN room_id;

-- +goose Up
-- The most viewers a live room had at once, over every server.
ALTER TABLE live_rooms ADD COLUMN peak_viewers INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE live_rooms DROP COLUMN peak_viewers;

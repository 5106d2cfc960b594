-- +goose Up
-- A room's replay, published by its host once the room has ended: the
-- broadcast's recording (an HLS playlist) or a video of the host's. A
-- room shows as REPLAY while its status column stays ENDED and a replay
-- is set: SQLite cannot change the status CHECK of a table that others
-- reference without rebuilding it and every table that points at it,
-- and "ended, with a replay" is all REPLAY means.
ALTER TABLE live_rooms ADD COLUMN replay_url TEXT NOT NULL DEFAULT '';
ALTER TABLE live_rooms ADD COLUMN replay_video_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE live_rooms DROP COLUMN replay_video_id;
ALTER TABLE live_rooms DROP COLUMN replay_url;

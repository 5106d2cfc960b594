-- +goose Up
-- Live chat moderation: the moderators a host appoints, and the accounts
-- muted in a room.
CREATE TABLE live_moderators (
    room_id    TEXT NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    PRIMARY KEY (room_id, account_id)
);

CREATE TABLE live_mutes (
    room_id    TEXT NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    muted_by   TEXT NOT NULL,
    at         {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (room_id, account_id)
);

-- +goose Down
DROP TABLE live_mutes;
DROP TABLE live_moderators;

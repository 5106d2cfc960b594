-- +goose Up
-- Live rooms (package live): the room, its shopping bag in order, its chat,
-- and the closed-loop violations committed in it (what was written before
-- it was redacted, for trust & safety).
CREATE TABLE live_rooms (
    id           TEXT PRIMARY KEY,
    market       TEXT NOT NULL,
    shop_id      TEXT REFERENCES shops (id),
    creator_id   TEXT,
    host_name    TEXT NOT NULL,
    title        TEXT NOT NULL,
    stream_url   TEXT NOT NULL DEFAULT '',
    video_id     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'LIVE', 'ENDED')),
    pinned       TEXT NOT NULL DEFAULT '',
    scheduled_at {{TIMESTAMP}} NOT NULL,
    started_at   {{TIMESTAMP}},
    ended_at     {{TIMESTAMP}},
    created_at   {{TIMESTAMP}} NOT NULL,
    CHECK ((shop_id IS NULL) <> (creator_id IS NULL))
);
CREATE INDEX live_rooms_market ON live_rooms (market, status, id);

CREATE TABLE live_room_products (
    room_id    TEXT NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (room_id, product_id)
);

CREATE TABLE live_messages (
    id          TEXT PRIMARY KEY,
    room_id     TEXT NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    redacted    BOOLEAN NOT NULL DEFAULT FALSE,
    at          {{TIMESTAMP}} NOT NULL
);
CREATE INDEX live_messages_room ON live_messages (room_id, id);

CREATE TABLE violations (
    id         TEXT PRIMARY KEY,
    market     TEXT NOT NULL,
    account_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    text       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         {{TIMESTAMP}} NOT NULL
);
CREATE INDEX violations_account ON violations (account_id, at);

-- +goose Down
DROP TABLE violations;
DROP TABLE live_messages;
DROP TABLE live_room_products;
DROP TABLE live_rooms;

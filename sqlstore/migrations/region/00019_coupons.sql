-- +goose Up
-- Live coupons: an amount off a shop's order, handed out in a live room.
-- Viewers claim them while stock lasts (claimed never passes quantity),
-- once each; a claim is used by one order, and given back if that order's
-- payment fails.
CREATE TABLE live_coupons (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES live_rooms (id),
    market     TEXT NOT NULL,
    shop_id    TEXT NOT NULL REFERENCES shops (id),
    amount_off BIGINT NOT NULL CHECK (amount_off > 0),
    min_spend  BIGINT NOT NULL CHECK (min_spend >= 0),
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    claimed    BIGINT NOT NULL DEFAULT 0 CHECK (claimed >= 0 AND claimed <= quantity),
    expires_at {{TIMESTAMP}} NOT NULL,
    created_at {{TIMESTAMP}} NOT NULL
);
CREATE INDEX live_coupons_room ON live_coupons (room_id, id);

CREATE TABLE live_coupon_claims (
    coupon_id  TEXT NOT NULL REFERENCES live_coupons (id),
    buyer_id   TEXT NOT NULL,
    order_id   TEXT NOT NULL DEFAULT '',
    claimed_at {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (coupon_id, buyer_id)
);

ALTER TABLE orders ADD COLUMN discount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN coupon_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN discount BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE order_lines DROP COLUMN discount;
ALTER TABLE orders DROP COLUMN coupon_id;
ALTER TABLE orders DROP COLUMN discount;
DROP TABLE live_coupon_claims;
DROP TABLE live_coupons;

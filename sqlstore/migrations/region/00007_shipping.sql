-- +goose Up
-- Each shop's shipping rate card (zones, weight bands, free-shipping
-- threshold) as the JSON of shipping.RateCard: checkout reads a card
-- whole and the rules live in Go, so the database keeps it in one piece.
-- A shop without a row sells with the platform's default card.
CREATE TABLE shipping_rate_cards (
    shop_id    TEXT PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    market     TEXT NOT NULL,
    card       TEXT NOT NULL,
    updated_at {{TIMESTAMP}} NOT NULL
);

-- +goose Down
DROP TABLE shipping_rate_cards;

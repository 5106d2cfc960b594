-- +goose Up
-- Products take their place in the platform's category tree (package
-- category): category_id is a node of the tree, resolved from the seller's
-- own word for the product when not given. Buyers browse a market's live
-- products by category, and the index serves that listing.
ALTER TABLE products ADD COLUMN category_id TEXT NOT NULL DEFAULT 'other';
CREATE INDEX products_market_category ON products (market, status, category_id, id);

-- +goose Down
DROP INDEX products_market_category;
ALTER TABLE products DROP COLUMN category_id;

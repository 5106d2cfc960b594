-- +goose Up
-- Product search: a weighted tsvector kept by PostgreSQL itself, with the
-- 'simple' configuration (no stemming) so that every market's language is
-- searched alike; unaccent is not assumed to be installed.
ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('simple', brand || ' ' || category || ' ' || tags), 'B') ||
    setweight(to_tsvector('simple', description), 'C')
) STORED;
CREATE INDEX products_search ON products USING GIN (search);

-- +goose Down
DROP INDEX products_search;
ALTER TABLE products DROP COLUMN search;

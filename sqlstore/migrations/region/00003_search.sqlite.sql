-- +goose Up
-- Product search: an FTS5 index over the products table (external
-- content, kept in step by triggers). unicode61 with diacritics removed
-- matches "creme" to "crème" in every market's language.
CREATE VIRTUAL TABLE products_fts USING fts5(
    title, brand, category, tags, description,
    content = 'products', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- +goose StatementBegin
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, title, brand, category, tags, description)
    VALUES (new.rowid, new.title, new.brand, new.category, new.tags, new.description);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, title, brand, category, tags, description)
    VALUES ('delete', old.rowid, old.title, old.brand, old.category, old.tags, old.description);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER products_fts_update AFTER UPDATE OF title, brand, category, tags, description ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, title, brand, category, tags, description)
    VALUES ('delete', old.rowid, old.title, old.brand, old.category, old.tags, old.description);
    INSERT INTO products_fts (rowid, title, brand, category, tags, description)
    VALUES (new.rowid, new.title, new.brand, new.category, new.tags, new.description);
END;
-- +goose StatementEnd

INSERT INTO products_fts (products_fts) VALUES ('rebuild');

-- +goose Down
DROP TRIGGER products_fts_update;
DROP TRIGGER products_fts_delete;
DROP TRIGGER products_fts_insert;
DROP TABLE products_fts;

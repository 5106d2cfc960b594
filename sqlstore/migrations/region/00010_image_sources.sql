-- +goose Up
-- An image fetched from a URL (an import's Image Src) keeps the URL, so
-- that importing the same file again recognises the image rather than
-- fetching it anew. Uploaded images have none.
ALTER TABLE product_images ADD COLUMN source_url TEXT;

-- +goose Down
ALTER TABLE product_images DROP COLUMN source_url;

// Package shopifycsv reads and writes Shopify product CSV files, so sellers
// can bring a Shopify catalogue into loopshop and take it back out. It only
// parses, validates and formats: it stores nothing, and the catalog import
// decides what to do with the products it returns.
//
// # What a file looks like
//
// A Shopify product CSV has one header row, then rows grouped into products
// by handle. The first row of a handle is the product row: it carries the
// product's fields (title, description, vendor, category, type, tags,
// status, SEO fields, gift card, the option names) and also the product's
// first variant. Each following row with the same handle adds one more
// variant (option values, SKU, price, weight, inventory, …), one more image
// (Image Src, position, alt text), or both; a row with only image columns is
// an image-only row. A later row adds a variant when it has an option
// value, SKU, price, weight, quantity or variant image. A product without
// options has one variant whose Option1 Name is "Title" and Option1 Value
// "Default Title"; Read turns that into a product with no options and
// Write turns it back. A product's rows normally follow each other; a
// variant or image row further down still joins its handle, but a second
// row with a different title, or a second first row after other products,
// means two products share a handle, which is an error.
//
// # Two header generations
//
// Shopify renamed most columns in 2024. The classic names ("Handle",
// "Body (HTML)", "Variant SKU", "Variant Grams", "Variant Inventory Qty",
// "Variant Inventory Policy", "Variant Price", "Image Src", "Published", …)
// appear in exports and templates up to 2023; the current ones ("URL handle",
// "Description", "SKU", "Weight value (grams)", "Inventory quantity",
// "Continue selling when out of stock", "Price", "Product image URL",
// "Published on online store", …) in the current template. Read maps either
// generation, case-insensitively, through one table (columns.go); columns
// Shopify defines but loopshop does not use (Google Shopping, market prices,
// metafields, tax codes) are ignored with one warning, and any other
// column is reported once as a warning, never as an error. Write always
// produces the current generation.
//
// # Errors reject a whole product
//
// Every problem found in a row is reported as a RowError with the row's
// physical line number in the file (quoted descriptions may span many
// lines), the column and what to change. A product with any error is left
// out of Result.Products entirely, while the other products are kept:
// importing a product without the variant, price or image its seller put in
// the file would publish something the seller never asked for, and a
// partial product is harder to notice and fix than a rejected one with a
// precise message. Problems with the file itself (not CSV, no Handle,
// Title or Price column, over a size limit) are returned as the error of
// Read.
//
// # Money and descriptions
//
// Prices are decimals in the shop's currency, parsed into integer minor
// units with money.Parse; a comma as decimal separator, a currency symbol
// or too many decimals is an error, never a guess. Descriptions are HTML
// sanitised with bluemonday to basic formatting, lists, headings and
// tables; links are unwrapped to their text because loopshop's closed-loop
// policy refuses links to other sites, and images and scripts are dropped.
// A plain-text version is produced alongside.
package shopifycsv

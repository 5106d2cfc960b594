package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/shopify"
)

// Upload limits.
const (
	maxImportBytes = 15 << 20 // Shopify's own limit for a product CSV
	maxImageBytes  = 10 << 20
)

func (a *API) transferRoutes() []server.Route {
	return []server.Route{
		{Method: "POST", Path: "/api/v1/shops/{id}/imports/shopify-csv", Tag: "catalog", Auth: server.Required, MaxBodyBytes: maxImportBytes,
			Summary:  "Import a Shopify product CSV (the body, Content-Type text/csv, up to 15 MiB) into a shop: products are matched by handle and updated, others created. A file with any bad row imports nothing and answers 422 with the report; with dry_run=true nothing is written and the report says what would be.",
			Query:    map[string]string{"dry_run": "true to check the file and report without writing"},
			Response: shopify.Report{}, Handler: a.handleImportShopifyCSV},
		{Method: "GET", Path: "/api/v1/shops/{id}/exports/shopify-csv", Tag: "catalog", Auth: server.Required,
			Summary: "Export a shop's catalogue as Shopify product CSV (text/csv), in handle order, with the stock available.",
			Handler: a.handleExportShopifyCSV},
		{Method: "POST", Path: "/api/v1/shops/{id}/images", Tag: "catalog", Auth: server.Required, MaxBodyBytes: maxImageBytes,
			Summary:  "Upload a product image (the body: PNG, JPEG, WebP or GIF, up to 10 MiB; the type is read from the bytes). Returns the media key to list in a product's images.",
			Response: UploadedImage{}, Status: http.StatusCreated, Handler: a.handleUploadImage},
	}
}

func (a *API) handleImportShopifyCSV(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "text/csv" && mt != "application/octet-stream" {
			return loopshop.Errorf(loopshop.EINVALID, "send the CSV file itself as the body with Content-Type: text/csv (got %s)", ct)
		}
	}
	dry := r.URL.Query().Get("dry_run")
	if dry != "" && dry != "true" && dry != "false" {
		return loopshop.Invalid("dry_run", "dry_run must be true or false")
	}
	im := &shopify.Importer{Catalog: a.Catalog, Markets: a.Markets}
	rep, err := im.ImportCSV(r.Context(), server.Actor(r), r.PathValue("id"), r.Body, shopify.ImportOptions{DryRun: dry == "true"})
	if err != nil {
		if rep != nil && loopshop.ErrorCode(err) == loopshop.EUNPROCESSABLE {
			// The report is what the seller needs to fix the file.
			return server.JSON(w, http.StatusUnprocessableEntity, rep)
		}
		return err
	}
	return server.JSON(w, http.StatusOK, rep)
}

func (a *API) handleExportShopifyCSV(w http.ResponseWriter, r *http.Request) error {
	ex := &shopify.Exporter{Catalog: a.Catalog, MediaURL: a.mediaURL}
	// Render into memory first: an error half-way must not leave the
	// client with a truncated file that looks whole.
	var buf bytes.Buffer
	if _, err := ex.ExportCSV(r.Context(), server.Actor(r), r.PathValue("id"), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="products.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// UploadedImage is a stored image.
type UploadedImage struct {
	MediaKey    string `json:"media_key"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

func (a *API) handleUploadImage(w http.ResponseWriter, r *http.Request) error {
	if a.Media == nil {
		return loopshop.Errorf(loopshop.EUNAVAILABLE, "image uploads are not configured on this server")
	}
	shop, err := a.Catalog.Shop(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := server.Actor(r).Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return err
	}
	ct, body, err := media.Accept(r.Body, maxImageBytes, media.Images()...)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("shops/%s/%s%s", shop.ID, loopshop.NewID("img", shop.Market), media.Ext(ct))
	if err := a.Media.Put(r.Context(), key, ct, body); err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, UploadedImage{MediaKey: key, URL: a.mediaURL(key), ContentType: ct})
}

func (a *API) mediaURL(key string) string {
	return strings.TrimSuffix(a.PublicURL, "/") + "/media/" + key
}

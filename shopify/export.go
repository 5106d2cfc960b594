package shopify

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/shopifycsv"
)

// Exporter writes a shop's catalogue as Shopify product CSV.
type Exporter struct {
	Catalog *catalog.Service
	// MediaURL turns a media key into the absolute URL Shopify can fetch
	// the image from.
	MediaURL func(key string) string
}

// ExportCSV writes every product of the shop but deleted ones, in handle
// order (so that two exports of one catalogue are the same file), with the
// stock available across its warehouses.
func (ex *Exporter) ExportCSV(ctx context.Context, actor *identity.Actor, shopID string, w io.Writer) (int, error) {
	var out []shopifycsv.Product
	req := page.Request{Limit: page.MaxLimit}
	for {
		pg, err := ex.Catalog.SellerProducts(ctx, actor, shopID, "", req)
		if err != nil {
			return 0, err
		}
		for _, p := range pg.Items {
			stock, err := ex.Catalog.StockOfProduct(ctx, actor, p.ID)
			if err != nil {
				return 0, err
			}
			out = append(out, ex.fromProduct(p, stock))
		}
		if pg.NextCursor == "" {
			break
		}
		req.After = pg.Items[len(pg.Items)-1].ID
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Handle < out[j].Handle })
	if err := shopifycsv.Write(w, out); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return len(out), nil
}

func (ex *Exporter) fromProduct(p *catalog.Product, stock []*catalog.Stock) shopifycsv.Product {
	available := map[string]int{}
	for _, s := range stock {
		available[s.SKUID] += int(s.Available)
	}
	handle := p.Handle
	if handle == "" {
		handle = strings.ReplaceAll(p.ID, "_", "-")
	}
	body := p.DescriptionHTML
	if body == "" && p.Description != "" {
		body = "<p>" + htmlEscape(p.Description) + "</p>"
	}
	sp := shopifycsv.Product{Handle: handle, Title: p.Title, BodyHTML: body, BodyText: p.Description, Vendor: p.Brand,
		Type: p.Category, Tags: p.Tags, Status: status(p.Status), Published: p.Status == catalog.StatusActivate}
	for _, o := range p.Options {
		sp.Options = append(sp.Options, shopifycsv.Option{Name: o.Name, Values: o.Values})
	}
	for _, k := range p.SKUs {
		v := shopifycsv.Variant{Options: k.Options, SKU: k.SellerSKU, Barcode: k.Barcode, Price: k.Price,
			WeightMilligrams: int64(k.WeightGrams) * 1000, WeightUnit: shopifycsv.UnitGram,
			InventoryTracker: "shopify", InventoryQuantity: available[k.ID], InventoryPolicy: shopifycsv.PolicyDeny,
			RequiresShipping: true, Taxable: true}
		if k.CompareAt != nil {
			c := money.New(k.CompareAt.Amount, k.CompareAt.Currency)
			v.CompareAtPrice = &c
		}
		sp.Variants = append(sp.Variants, v)
	}
	if ex.MediaURL != nil {
		for _, im := range p.Images {
			sp.Images = append(sp.Images, shopifycsv.Image{Src: ex.MediaURL(im.MediaKey), Position: im.Position, AltText: im.Alt})
		}
	}
	return sp
}

func status(s string) shopifycsv.Status {
	switch s {
	case catalog.StatusActivate:
		return shopifycsv.StatusActive
	case catalog.StatusDraft, catalog.StatusPending, catalog.StatusFailed:
		return shopifycsv.StatusDraft
	}
	return shopifycsv.StatusArchived
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

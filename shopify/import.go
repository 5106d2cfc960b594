// Package shopify connects a seller's Shopify store to their loopshop shop:
// importing the catalogue from Shopify's product CSV (and exporting it
// back), so a seller moving in keeps their handles, SKUs and stock.
//
// An import is an upsert keyed by handle: a product whose handle the shop
// already has is updated in place (its SKUs matched by SKU code or option
// values, so stock and sales stay attached), any other is created. A file
// with any bad row is refused whole — the report lists every problem with
// its line — so an import never leaves a catalogue half-changed by a file
// the seller still has to fix. Each product is written in one transaction,
// and running the same file again changes nothing.
//
// Images are named by URL in the file. The catalogue fetches them in the
// background after the import (see catalog.FetchImagesJob) and remembers
// where each came from, so an image the product already has is not
// fetched again. An image URL of loopshop's own, as an export writes them,
// that names one of the product's images is that image.
package shopify

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/shopifycsv"
)

// Importer imports Shopify product CSV files into shops.
type Importer struct {
	Catalog *catalog.Service
	Markets *market.Set
}

// ImportOptions tune one import.
type ImportOptions struct {
	// DryRun checks the file and reports what would change, writing nothing.
	DryRun bool
	// Progress, if set, is called after each product with how many are
	// done out of how many.
	Progress func(done, total int)
}

// Report says what an import did, or would do.
type Report struct {
	// DryRun reports what a real run would do: Created and Updated count
	// what it would create and update.
	DryRun   bool                  `json:"dry_run"`
	Rows     int                   `json:"rows"`
	Products int                   `json:"products"`
	Created  int                   `json:"created"`
	Updated  int                   `json:"updated"`
	Variants int                   `json:"variants"`
	Errors   []shopifycsv.RowError `json:"errors"`
	Warnings []shopifycsv.RowError `json:"warnings"`
	// Imported lists the handles written, in file order.
	Imported []string `json:"imported"`
}

// OK reports whether the file had no errors.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// ImportCSV imports the Shopify product CSV read from r into the shop.
func (im *Importer) ImportCSV(ctx context.Context, actor *identity.Actor, shopID string, r io.Reader, opt ImportOptions) (*Report, error) {
	shop, err := im.Catalog.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	m, err := im.Markets.Get(shop.Market)
	if err != nil {
		return nil, err
	}
	res, err := shopifycsv.Read(r, shopifycsv.Options{Currency: m.Currency})
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: opt.DryRun, Rows: res.Rows, Products: len(res.Products), Errors: nonNil(res.Errors), Warnings: nonNil(res.Warnings), Imported: []string{}}
	listings := make([]catalog.NewProduct, len(res.Products))
	for i, p := range res.Products {
		var dropped int
		listings[i], dropped = toListing(p)
		if dropped > 0 {
			rep.Warnings = append(rep.Warnings, shopifycsv.RowError{Line: p.Line, Handle: p.Handle, Column: "Image Src",
				Message: fmt.Sprintf("a product may have %d images; the last %d are left out", catalog.MaxImages, dropped)})
		}
		rep.Variants += len(p.Variants)
		// The catalogue's own listing check, before anything is written.
		warnings, err := im.Catalog.CheckListing(shop.Market, &listings[i])
		if err != nil {
			rep.Errors = append(rep.Errors, shopifycsv.RowError{Line: p.Line, Handle: p.Handle, Column: loopshop.ErrorField(err), Message: loopshop.ErrorMessage(err)})
		}
		for _, w := range warnings {
			rep.Warnings = append(rep.Warnings, shopifycsv.RowError{Line: p.Line, Handle: p.Handle, Message: w})
		}
	}
	if !rep.OK() && !opt.DryRun {
		return rep, loopshop.Errorf(loopshop.EUNPROCESSABLE, "the file has %s; nothing was imported. Fix the rows listed and import it again", plural(len(rep.Errors), "problem"))
	}
	if opt.DryRun {
		// Say what a real run would do: which handles exist already.
		for _, in := range listings {
			_, err := im.Catalog.ProductByHandle(ctx, actor, shop.ID, in.Handle)
			switch {
			case err == nil:
				rep.Updated++
			case loopshop.ErrorCode(err) == loopshop.ENOTFOUND:
				rep.Created++
			default:
				return rep, err
			}
		}
		return rep, nil
	}
	for i, p := range res.Products {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		in := listings[i]
		existing, err := im.Catalog.ProductByHandle(ctx, actor, shop.ID, in.Handle)
		switch {
		case err == nil:
			keepOwnImages(&in, existing)
			if _, err := im.Catalog.UpdateProduct(ctx, actor, existing.ID, in); err != nil {
				return rep, fmt.Errorf("line %d, product %q: %w", p.Line, p.Handle, err)
			}
			rep.Updated++
		case loopshop.ErrorCode(err) == loopshop.ENOTFOUND:
			publish := p.Status == shopifycsv.StatusActive
			if _, err := im.Catalog.CreateProduct(ctx, actor, shop.ID, in, publish); err != nil {
				return rep, fmt.Errorf("line %d, product %q: %w", p.Line, p.Handle, err)
			}
			rep.Created++
		default:
			return rep, err
		}
		rep.Imported = append(rep.Imported, in.Handle)
		if opt.Progress != nil {
			opt.Progress(i+1, len(res.Products))
		}
	}
	return rep, nil
}

var notHandle = regexp.MustCompile(`[^a-z0-9-]+`)

// Handle turns a Shopify handle into a loopshop one: accents dropped, lower
// case, anything but letters, digits and dashes replaced by a dash.
func Handle(h string) string {
	if plain, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), h); err == nil {
		h = plain
	}
	h = notHandle.ReplaceAllString(strings.ToLower(strings.TrimSpace(h)), "-")
	return strings.Trim(h, "-")
}

// toListing maps a Shopify product onto a loopshop listing, and says how
// many of its images are left out, past catalog.MaxImages.
func toListing(p shopifycsv.Product) (catalog.NewProduct, int) {
	in := catalog.NewProduct{
		Handle:          Handle(p.Handle),
		Title:           p.Title,
		Description:     p.BodyText,
		DescriptionHTML: p.BodyHTML,
		Category:        category(p),
		Brand:           p.Vendor,
		Tags:            p.Tags,
	}
	for _, o := range p.Options {
		in.Options = append(in.Options, catalog.Option{Name: o.Name, Values: append([]string(nil), o.Values...)})
	}
	for _, v := range p.Variants {
		k := catalog.NewSKU{SellerSKU: v.SKU, Options: append([]string(nil), v.Options...), Price: v.Price.Amount,
			WeightGrams: int(v.WeightMilligrams / 1000), Barcode: v.Barcode}
		if v.CompareAtPrice != nil && v.CompareAtPrice.Amount > v.Price.Amount {
			k.CompareAtPrice = v.CompareAtPrice.Amount
		}
		// The quantity becomes what is available in the shop's default
		// warehouse. loopshop sells no more than it holds, so Shopify's
		// "continue selling when out of stock" has no counterpart.
		q := int64(max(v.InventoryQuantity, 0))
		k.Stock = &q
		in.SKUs = append(in.SKUs, k)
	}
	if len(in.Tags) > catalog.MaxTags {
		in.Tags = in.Tags[:catalog.MaxTags]
	}
	// Variants have no images of their own in loopshop: a variant's image
	// that is not one of the product's joins them, after them.
	for _, im := range p.Images {
		in.Images = append(in.Images, catalog.NewImage{SourceURL: im.Src, Alt: im.AltText})
	}
	for _, v := range p.Variants {
		if v.ImageSrc != "" && !slices.ContainsFunc(in.Images, func(im catalog.NewImage) bool { return im.SourceURL == v.ImageSrc }) {
			in.Images = append(in.Images, catalog.NewImage{SourceURL: v.ImageSrc})
		}
	}
	dropped := max(len(in.Images)-catalog.MaxImages, 0)
	in.Images = in.Images[:len(in.Images)-dropped]
	return in, dropped
}

// keepOwnImages turns the image URLs of a listing that name one of the
// product's images in loopshop's media store — an export's URLs end in
// the media key — into that image, which keeps where it first came from.
// Importing an export of the shop back then fetches nothing.
func keepOwnImages(in *catalog.NewProduct, p *catalog.Product) {
	for i, nim := range in.Images {
		u, err := url.Parse(nim.SourceURL)
		if err != nil || nim.MediaKey != "" {
			continue
		}
		for _, im := range p.Images {
			if strings.HasSuffix(u.Path, "/"+im.MediaKey) {
				in.Images[i] = catalog.NewImage{MediaKey: im.MediaKey, Alt: nim.Alt, SourceURL: im.Source}
				break
			}
		}
	}
}

// category is the most specific name Shopify gives: the last step of the
// product category path, else the product type.
func category(p shopifycsv.Product) string {
	if p.Category != "" {
		parts := strings.Split(p.Category, ">")
		return strings.TrimSpace(parts[len(parts)-1])
	}
	if p.Type != "" {
		return p.Type
	}
	return "Uncategorised"
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

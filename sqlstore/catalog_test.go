package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

func TestProductWithOptionsImagesAndStockRoundTrips(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		shopID := first.ShopID
		ten, two := int64(10), int64(2)
		in := catalog.NewProduct{
			Handle: "linen-shirt", Title: "Linen shirt", Description: "Breathable.", DescriptionHTML: "<p>Breathable.</p>",
			Category: "apparel", Brand: "Loom", Tags: []string{"summer", "linen"},
			Options: []catalog.Option{{Name: "Size", Values: []string{"S", "M"}}, {Name: "Colour", Values: []string{"Sand"}}},
			Images:  []catalog.NewImage{{MediaKey: "products/a.png", Alt: "front"}, {MediaKey: "products/b.png"}},
			SKUs: []catalog.NewSKU{
				{SellerSKU: "LS-S", Options: []string{"S", "Sand"}, Price: 3500, CompareAtPrice: 4500, WeightGrams: 300, Barcode: "5012345678900", Stock: &ten},
				{SellerSKU: "LS-M", Options: []string{"M", "Sand"}, Price: 3500, Stock: &two},
			},
		}
		p, err := cat.CreateProduct(ctx, seller, shopID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cat.Product(ctx, nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("product read back differs (-created +read):\n%s", diff)
		}
		if got.SKUs[0].CompareAt == nil || *got.SKUs[0].CompareAt != money.New(4500, "GBP") {
			t.Errorf("compare-at = %v", got.SKUs[0].CompareAt)
		}
		stock, err := cat.StockOfProduct(ctx, seller, p.ID)
		if err != nil || len(stock) != 2 || stock[0].Available+stock[1].Available != 12 {
			t.Fatalf("initial stock = %+v, %v; want 10 + 2 available", stock, err)
		}

		in.SKUs[0].Stock, in.SKUs[1].Stock = nil, nil
		_, err = cat.CreateProduct(ctx, seller, shopID, in, true)
		if loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(err.Error(), `handle "linen-shirt"`) {
			t.Errorf("second product with the same handle: %v", err)
		}
	})
}

func TestListingRulesNameTheField(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		base := func() catalog.NewProduct {
			return catalog.NewProduct{Title: "Cap", Category: "apparel",
				Options: []catalog.Option{{Name: "Size", Values: []string{"S", "M"}}},
				SKUs:    []catalog.NewSKU{{Options: []string{"S"}, Price: 100}, {Options: []string{"M"}, Price: 100}}}
		}
		tests := []struct {
			name  string
			edit  func(*catalog.NewProduct)
			field string
		}{
			{"four options", func(p *catalog.NewProduct) {
				p.Options = append(p.Options, catalog.Option{Name: "A", Values: []string{"1"}}, catalog.Option{Name: "B", Values: []string{"1"}}, catalog.Option{Name: "C", Values: []string{"1"}})
			}, "options"},
			{"unknown option value", func(p *catalog.NewProduct) { p.SKUs[1].Options = []string{"XL"} }, "skus[1].options"},
			{"same combination twice", func(p *catalog.NewProduct) { p.SKUs[1].Options = []string{"S"} }, "skus[1].options"},
			{"duplicate option value", func(p *catalog.NewProduct) { p.Options[0].Values = []string{"S", "S"} }, "options[0].values[1]"},
			{"compare-at below price", func(p *catalog.NewProduct) { p.SKUs[0].CompareAtPrice = 50 }, "skus[0].compare_at_price"},
			{"bad handle", func(p *catalog.NewProduct) { p.Handle = "Not A Handle" }, "handle"},
			{"duplicate seller SKU", func(p *catalog.NewProduct) { p.SKUs[0].SellerSKU, p.SKUs[1].SellerSKU = "X", "X" }, "skus[1].seller_sku"},
			{"missing option values", func(p *catalog.NewProduct) { p.SKUs[0].Options = nil }, "skus[0].options"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := base()
				tt.edit(&in)
				_, err := cat.CreateProduct(ctx, seller, first.ShopID, in, false)
				if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
					t.Errorf("got %v (field %q), want invalid %s", err, loopshop.ErrorField(err), tt.field)
				}
			})
		}
	})
}

func TestProbationCapsNewListingsPerDay(t *testing.T) {
	if testing.Short() {
		t.Skip("lists 100 products")
	}
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r) // one product listed already
		for i := 1; i < catalog.ProbationDailyListings; i++ {
			if _, err := cat.CreateProduct(ctx, seller, first.ShopID, catalog.NewProduct{Title: fmt.Sprintf("Item %d", i), Category: "home",
				SKUs: []catalog.NewSKU{{Price: 100}}}, false); err != nil {
				t.Fatalf("listing %d: %v", i, err)
			}
		}
		_, err := cat.CreateProduct(ctx, seller, first.ShopID, catalog.NewProduct{Title: "One too many", Category: "home", SKUs: []catalog.NewSKU{{Price: 100}}}, false)
		if loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(err.Error(), "100 products a day during their probation") {
			t.Errorf("listing 101 on probation: %v", err)
		}
	})
}

func TestUpdateProductKeepsSKUsAndTheirStock(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		five := int64(5)
		in := catalog.NewProduct{Handle: "tee", Title: "Tee", Category: "apparel",
			Options: []catalog.Option{{Name: "Size", Values: []string{"S", "M"}}},
			SKUs: []catalog.NewSKU{{SellerSKU: "TEE-S", Options: []string{"S"}, Price: 1000, Stock: &five},
				{SellerSKU: "TEE-M", Options: []string{"M"}, Price: 1000}}}
		p, err := cat.CreateProduct(ctx, seller, first.ShopID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		// New price, M dropped, L added, S's stock set to 7.
		seven := int64(7)
		in.Options[0].Values = []string{"S", "L"}
		in.SKUs = []catalog.NewSKU{{SellerSKU: "TEE-S", Options: []string{"S"}, Price: 1200, Stock: &seven},
			{SellerSKU: "TEE-L", Options: []string{"L"}, Price: 1300}}
		up, err := cat.UpdateProduct(ctx, seller, p.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		byHandle, err := cat.ProductByHandle(ctx, seller, first.ShopID, "tee")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(up, byHandle); diff != "" {
			t.Errorf("updated product read back differs:\n%s", diff)
		}
		if byHandle.SKUs[0].ID != p.SKUs[0].ID || byHandle.SKUs[0].Price.Amount != 1200 || byHandle.SKUs[1].SellerSKU != "TEE-L" || len(byHandle.SKUs) != 2 {
			t.Errorf("SKUs after update = %+v; want TEE-S kept with its ID at 12.00, TEE-L added, TEE-M gone", byHandle.SKUs)
		}
		stock, _ := cat.StockOfProduct(ctx, seller, p.ID)
		if len(stock) != 1 || stock[0].SKUID != p.SKUs[0].ID || stock[0].Available != 7 {
			t.Errorf("stock after update = %+v; want TEE-S with 7", stock)
		}
		hist, _ := cat.StockHistory(ctx, seller, p.SKUs[0].ID, 10)
		if len(hist) != 2 || hist[0].Delta != 2 || hist[0].Reason != catalog.ReasonImport {
			t.Errorf("history = %+v; want the initial 5 then +2 by the update", hist)
		}

		// An update based on a stale read is refused, not silently merged.
		stranger := &identity.Actor{AccountID: "acc_gb_x", Market: "GB"}
		if _, err := cat.UpdateProduct(ctx, stranger, p.ID, in); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("stranger update: %v", err)
		}
	})
}

// A listing carrying an off-platform link is refused after the market's
// cut-over date, naming the field, the span and the reason; before the
// date it is listed with a warning.
func TestListingWithAnOffPlatformLinkIsRefused(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		in := catalog.NewProduct{Title: "Silk scarf", Category: "apparel",
			Description: "Hand-rolled edges. Cheaper at shop dot example dot com!", SKUs: []catalog.NewSKU{{Price: 2500}}}
		_, err := cat.CreateProduct(ctx, seller, first.ShopID, in, true)
		if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "description" ||
			!strings.Contains(err.Error(), `"shop dot example dot com"`) || !strings.Contains(err.Error(), "obfuscated domain example.com") {
			t.Fatalf("GB listing with a link: %v; want invalid description naming the span and the reason", err)
		}
		if _, err := cat.CheckListing("GB", &in); err == nil {
			t.Error("CheckListing passed what CreateProduct refuses")
		}
	})
}

func TestDescriptionHTMLIsSanitised(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		p, err := cat.CreateProduct(ctx, seller, first.ShopID, catalog.NewProduct{Title: "Teapot", Category: "home",
			DescriptionHTML: `<p onclick="steal()">Holds <b>1 l</b>.<script>alert(1)</script><img src=x onerror=alert(2)></p>`,
			SKUs:            []catalog.NewSKU{{Price: 1500}}}, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cat.Product(ctx, seller, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DescriptionHTML != "<p>Holds <b>1 l</b>.</p>" || got.Description != "Holds 1 l." {
			t.Errorf("stored HTML %q, text %q; want the script, handlers and image gone and the text derived", got.DescriptionHTML, got.Description)
		}
	})
}

// SetImages is how the background fetch of imported images lands: only on
// the version of the product it was fetched for, keeping where each image
// came from, and without making the product look edited.
func TestSetImagesOnlyOnTheVersionFetchedFor(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		_, _, p := seedSKU(t, r)
		store := sqlstore.NewCatalogStore(r)
		images := []catalog.Image{
			{Position: 1, MediaKey: "shops/x/url-1.png", Alt: "front", Source: "https://cdn.example.com/1.png"},
			{Position: 2, MediaKey: "shops/x/up.jpg"}, // an upload: no source
		}
		if err := store.SetImages(ctx, p.ID, images, p.UpdatedAt.Add(-time.Microsecond)); !errors.Is(err, catalog.ErrChanged) {
			t.Errorf("SetImages on an older version: %v, want ErrChanged", err)
		}
		if err := store.SetImages(ctx, loopshop.NewID("prd", "GB"), images, p.UpdatedAt); !errors.Is(err, catalog.ErrChanged) {
			t.Errorf("SetImages on a product that does not exist: %v, want ErrChanged", err)
		}
		if got, err := store.Product(ctx, p.ID); err != nil || len(got.Images) != 0 {
			t.Fatalf("after refused SetImages: images %+v, %v; want none", got.Images, err)
		}
		if err := store.SetImages(ctx, p.ID, images, p.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		got, err := store.Product(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(images, got.Images); diff != "" {
			t.Errorf("images (-set +read):\n%s", diff)
		}
		if got.ImageKey != "shops/x/url-1.png" || !got.UpdatedAt.Equal(p.UpdatedAt) {
			t.Errorf("image key %q, updated %v; want the first image's key and updated_at untouched (%v)", got.ImageKey, got.UpdatedAt, p.UpdatedAt)
		}
		if err := store.SetImages(ctx, p.ID, nil, p.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		if got, err := store.Product(ctx, p.ID); err != nil || len(got.Images) != 0 || got.ImageKey != "" {
			t.Errorf("after setting no images: %+v, key %q, %v", got.Images, got.ImageKey, err)
		}
	})
}

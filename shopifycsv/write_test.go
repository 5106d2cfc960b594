package shopifycsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// sampleProducts are products as Read returns them: BodyHTML already in
// the sanitiser's form, images numbered from 1.
func sampleProducts() []Product {
	return []Product{
		{
			Handle: "linen-shirt", Title: "Linen Shirt", BodyHTML: "<p>Cool, &amp; &#34;light&#34;.</p>\n<ul>\n<li>Linen</li>\n</ul>", BodyText: "Cool, & \"light\".\nLinen",
			Vendor: "Acme", Category: "Apparel & Accessories > Clothing", Type: "Shirts", Tags: []string{"summer", "linen"},
			Published: true, Status: StatusActive, SEOTitle: "Linen", SEODescription: "Light linen.",
			Options: []Option{{"Color", []string{"White", "Blue"}}},
			Variants: []Variant{
				{Options: []string{"White"}, SKU: "LS-W", Barcode: "0012345678905", Price: money.New(4500, "GBP"), CompareAtPrice: gbp(6000), CostPerItem: gbp(1850),
					WeightMilligrams: 180_500, WeightUnit: UnitGram, InventoryTracker: "shopify", InventoryQuantity: 5, InventoryPolicy: PolicyContinue,
					RequiresShipping: true, Taxable: true, ImageSrc: "https://cdn.example.net/white.jpg"},
				{Options: []string{"Blue"}, SKU: "LS-B", Price: money.New(4750, "GBP"), InventoryPolicy: PolicyDeny},
			},
			Images: []Image{
				{"https://cdn.example.net/white.jpg", 1, "White"},
				{"https://cdn.example.net/blue.jpg", 2, ""},
				{"https://cdn.example.net/back.jpg", 3, "Back, seen from behind"},
			},
		},
		{
			Handle: "gift-card", Title: "Gift Card", Status: StatusDraft, GiftCard: true,
			Variants: []Variant{{Price: money.New(2500, "GBP"), InventoryPolicy: PolicyDeny, Taxable: false}},
		},
	}
}

func TestWriteLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleProducts()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	if header[0] != "Title" || header[1] != "URL handle" || !containsAll(header, "Price", "Compare-at price", "Inventory quantity", "Continue selling when out of stock", "Weight value (grams)", "Product image URL", "Published on online store") {
		t.Errorf("not the current header: %q", header)
	}
	at := func(r int, name string) string {
		for i, h := range header {
			if h == name {
				return recs[r][i]
			}
		}
		t.Fatalf("no column %q", name)
		return ""
	}
	// linen-shirt: two variant rows, the third image on an image-only row;
	// gift-card: one row with Shopify's "no options" marker.
	want := [][]string{
		{"Linen Shirt", "linen-shirt", "Color", "White", "45.00", "60.00", "180.5", "CONTINUE", "https://cdn.example.net/white.jpg", "1", "TRUE", "summer, linen"},
		{"", "linen-shirt", "", "Blue", "47.50", "", "0", "DENY", "https://cdn.example.net/blue.jpg", "2", "", ""},
		{"", "linen-shirt", "", "", "", "", "", "", "https://cdn.example.net/back.jpg", "3", "", ""},
		{"Gift Card", "gift-card", "Title", "Default Title", "25.00", "", "0", "DENY", "", "", "FALSE", ""},
	}
	cols := []string{"Title", "URL handle", "Option1 name", "Option1 value", "Price", "Compare-at price", "Weight value (grams)", "Continue selling when out of stock", "Product image URL", "Image position", "Published on online store", "Tags"}
	if len(recs) != len(want)+1 {
		t.Fatalf("got %d rows, want %d", len(recs)-1, len(want))
	}
	for r, w := range want {
		got := make([]string, len(cols))
		for i, c := range cols {
			got[i] = at(r+1, c)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", r+1, diff)
		}
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, l := range list {
			found = found || l == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestWriteThenRead(t *testing.T) {
	want := sampleProducts()
	var b bytes.Buffer
	if err := Write(&b, want); err != nil {
		t.Fatal(err)
	}
	res := mustRead(t, b.Bytes(), "GBP")
	if len(res.Errors) > 0 || len(res.Warnings) > 0 {
		t.Fatalf("errors %v warnings %v", res.Errors, res.Warnings)
	}
	if diff := cmp.Diff(want, res.Products, ignoreLine); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}
}

func TestWriteRefuses(t *testing.T) {
	valid := func() Product { return sampleProducts()[0] }
	tests := []struct {
		name  string
		edit  func(p *Product)
		field string
	}{
		{"no handle", func(p *Product) { p.Handle = " " }, "products[0].handle"},
		{"no title", func(p *Product) { p.Title = "" }, "products[0].title"},
		{"no variants", func(p *Product) { p.Variants = nil }, "products[0].variants"},
		{"four options", func(p *Product) { p.Options = append(p.Options, Option{"A", nil}, Option{"B", nil}, Option{"C", nil}) }, "products[0].options"},
		{"values do not fit options", func(p *Product) { p.Variants[1].Options = nil }, "products[0].variants[1].options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			var b bytes.Buffer
			err := Write(&b, []Product{p})
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
				t.Errorf("got %v, want an invalid error on %s", err, tt.field)
			}
		})
	}
}

func TestWriteNothing(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, nil); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(b.String(), "\n"); lines != 1 {
		t.Errorf("an empty export has %d lines, want just the header", lines)
	}
	res := mustRead(t, b.Bytes(), "GBP")
	if len(res.Products) != 0 || len(res.Errors) != 0 {
		t.Errorf("reading an empty export: %+v", res)
	}
}

package shopifycsv

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/loopshop/loopshop/money"
)

// realFiles are the sample files the tests read, with the counts each must
// give. The counts were made independently of this package, with Python's
// csv module (python3 -c '…csv.DictReader(open(f, newline="",
// encoding="utf-8-sig"))…'): products are distinct handles whose first row
// has a Title, variants are rows with a non-empty Variant Price, images are
// distinct (handle, Image Src) pairs. countIndependently checks them again
// in Go at test time.
var realFiles = []struct {
	name                       string
	products, variants, images int
}{
	{"apparel.csv", 20, 22, 20},
	{"home-and-garden.csv", 20, 21, 21},
	{"jewelery.csv", 20, 23, 41},
	{"packt-export/Product Data.csv", 20, 21, 21},
	{"packt-export/products_export_1.csv", 20, 21, 21},
	{"shopify-template-2023/product_template.csv", 3, 16, 11},
	{"shopify-template-legacy/product_template.csv", 1, 3, 1},
	// Our own current-format file: linen-shirt 4 variants and 3 images,
	// gift-card 1 and 0, wool-scarf 2 and 1.
	{"new-format.csv", 3, 7, 4},
}

// readFile returns a sample file's bytes, or skips the test when the file
// is not available on this machine (see testdata/SOURCES.md).
func readFile(t testing.TB, name string) []byte {
	t.Helper()
	dirs := []string{"testdata", filepath.Join("testdata", "real")}
	if d := os.Getenv("SHOPIFY_CSV_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, filepath.Join("..", "..", "shared", "data", "shopify-csv"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, name))
		if err == nil {
			return b
		}
	}
	t.Skipf("sample file %s is not available here: see testdata/SOURCES.md", name)
	return nil
}

func mustRead(t testing.TB, data []byte, currency string) *Result {
	t.Helper()
	res, err := Read(bytes.NewReader(data), Options{Currency: currency})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return res
}

func counts(ps []Product) (variants, images int) {
	for _, p := range ps {
		variants += len(p.Variants)
		images += len(p.Images)
	}
	return variants, images
}

// countIndependently counts a file's products, variants and images with
// encoding/csv alone, by the rules stated on realFiles.
func countIndependently(t *testing.T, data []byte) (products, variants, images int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	find := func(names ...string) int {
		for i, h := range recs[0] {
			if slices.Contains(names, h) {
				return i
			}
		}
		t.Fatalf("no column %v in %v", names, recs[0])
		return -1
	}
	handle, title := find("Handle", "URL handle"), find("Title")
	price, image := find("Variant Price", "Price"), find("Image Src", "Product image URL")
	seen, imgs := map[string]bool{}, map[[2]string]bool{}
	for _, rec := range recs[1:] {
		if !seen[rec[handle]] {
			seen[rec[handle]] = true
			if rec[title] != "" {
				products++
			}
		}
		if rec[price] != "" {
			variants++
		}
		if rec[image] != "" {
			imgs[[2]string{rec[handle], rec[image]}] = true
		}
	}
	return products, variants, len(imgs)
}

var ignoreLine = cmpopts.IgnoreFields(Product{}, "Line")

func TestReadRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			data := readFile(t, f.name)
			res := mustRead(t, data, "USD")
			if len(res.Errors) > 0 {
				t.Fatalf("errors in a file Shopify accepts: %v", res.Errors)
			}
			v, i := counts(res.Products)
			if len(res.Products) != f.products || v != f.variants || i != f.images {
				t.Errorf("got %d products, %d variants, %d images; want %d, %d, %d", len(res.Products), v, i, f.products, f.variants, f.images)
			}
			if p, v, i := countIndependently(t, data); p != f.products || v != f.variants || i != f.images {
				t.Errorf("the independent count gives %d, %d, %d; the table says %d, %d, %d", p, v, i, f.products, f.variants, f.images)
			}
			for _, p := range res.Products {
				for k, img := range p.Images {
					if img.Position != k+1 {
						t.Errorf("%s: image %d has position %d", p.Handle, k, img.Position)
					}
				}
				for _, v := range p.Variants {
					if v.Price.Currency != "USD" || len(v.Options) != len(p.Options) {
						t.Errorf("%s: variant %+v does not fit options %v", p.Handle, v, p.Options)
					}
				}
			}
		})
	}
}

// TestReadRealFilesEncodings reads each file again with a byte-order mark
// added and its line endings switched: the products, lines included, must
// not change.
func TestReadRealFilesEncodings(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			data := readFile(t, f.name)
			want := mustRead(t, data, "EUR")
			plain := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
			lf := bytes.ReplaceAll(plain, []byte("\r\n"), []byte("\n"))
			crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
			for name, variant := range map[string][]byte{
				"bom":      append([]byte("\xef\xbb\xbf"), plain...),
				"no-bom":   plain,
				"lf":       lf,
				"crlf":     crlf,
				"bom-crlf": append([]byte("\xef\xbb\xbf"), crlf...),
			} {
				got := mustRead(t, variant, "EUR")
				if diff := cmp.Diff(want.Products, got.Products); diff != "" {
					t.Errorf("%s: products differ (-original +%s):\n%s", name, name, diff)
				}
				if diff := cmp.Diff(want.Errors, got.Errors); diff != "" {
					t.Errorf("%s: errors differ:\n%s", name, diff)
				}
			}
		})
	}
}

// TestRoundTripRealFiles writes each file's products in the current format
// and reads them back: Read(Write(Read(file))) must equal Read(file), and
// writing again must give the same bytes.
func TestRoundTripRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			first := mustRead(t, readFile(t, f.name), "GBP")
			var out bytes.Buffer
			if err := Write(&out, first.Products); err != nil {
				t.Fatal(err)
			}
			second := mustRead(t, out.Bytes(), "GBP")
			if len(second.Errors) > 0 || len(second.Warnings) > 0 {
				t.Fatalf("reading Write's output: errors %v, warnings %v", second.Errors, second.Warnings)
			}
			if diff := cmp.Diff(first.Products, second.Products, ignoreLine); diff != "" {
				t.Errorf("Read(Write(Read(file))) differs from Read(file) (-first +second):\n%s", diff)
			}
			var again bytes.Buffer
			if err := Write(&again, second.Products); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), again.Bytes()) {
				t.Errorf("writing the read-back products gives different bytes")
			}
		})
	}
}

func productByHandle(t *testing.T, res *Result, handle string) Product {
	t.Helper()
	for _, p := range res.Products {
		if p.Handle == handle {
			return p
		}
	}
	t.Fatalf("no product %q among %d", handle, len(res.Products))
	return Product{}
}

func gbp(minor int64) *money.Money { m := money.New(minor, "GBP"); return &m }

func TestReadTemplate2023(t *testing.T) {
	res := mustRead(t, readFile(t, "shopify-template-2023/product_template.csv"), "GBP")

	shirt := productByHandle(t, res, "example-shirt")
	wantOptions := []Option{{"Color", []string{"Green", "Blue", "Gray", "Purple"}}, {"Size", []string{"S", "M", "L"}}}
	if diff := cmp.Diff(wantOptions, shirt.Options); diff != "" {
		t.Errorf("example-shirt options (-want +got):\n%s", diff)
	}
	if shirt.Status != StatusActive || !shirt.Published || shirt.Category != "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts" {
		t.Errorf("example-shirt status %q published %v category %q", shirt.Status, shirt.Published, shirt.Category)
	}
	if diff := cmp.Diff([]string{"Made to Order", "Shirt Tag"}, shirt.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	wantFirst := Variant{
		Options: []string{"Green", "S"}, SKU: "SRT_COT_111", Barcode: "365275101829",
		Price: money.New(2500, "GBP"), WeightMilligrams: 145_000, WeightUnit: "g",
		InventoryPolicy: PolicyDeny, RequiresShipping: true, Taxable: true,
		ImageSrc: "https://burst.shopifycdn.com/photos/green-t-shirt.jpg?width=1500",
	}
	if diff := cmp.Diff(wantFirst, shirt.Variants[0]); diff != "" {
		t.Errorf("first variant (-want +got):\n%s", diff)
	}
	if shirt.SEOTitle != "Example T-Shirt | Test Store" || shirt.Images[1].AltText != "T-Shirt color swatches" {
		t.Errorf("SEO title %q, second image %+v", shirt.SEOTitle, shirt.Images[1])
	}

	pants := productByHandle(t, res, "example-pants")
	if pants.Status != StatusDraft || pants.Published {
		t.Errorf("example-pants: status %q published %v, want draft, false", pants.Status, pants.Published)
	}
	v := pants.Variants[0]
	// 226.796185 g is 8 oz; kept to the milligram.
	if v.WeightMilligrams != 226_796 || v.WeightUnit != UnitOunce || v.InventoryTracker != "shopify" || v.InventoryQuantity != 20 {
		t.Errorf("example-pants first variant: %+v", v)
	}
	if diff := cmp.Diff(gbp(6495), v.CompareAtPrice); diff != "" {
		t.Errorf("compare-at price (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(gbp(5000), v.CostPerItem); diff != "" {
		t.Errorf("cost per item (-want +got):\n%s", diff)
	}
	if n := len(pants.Images); n != 4 || pants.Images[3].AltText != "Large tapered stone wash jeans" {
		t.Errorf("example-pants has %d images: %+v", n, pants.Images)
	}

	hat := productByHandle(t, res, "example-hat")
	if hat.Status != StatusArchived || hat.Options != nil || hat.Variants[0].Options != nil {
		t.Errorf("example-hat: status %q options %v variant options %v", hat.Status, hat.Options, hat.Variants[0].Options)
	}
	if diff := cmp.Diff(gbp(850), hat.Variants[0].CostPerItem); diff != "" {
		t.Errorf("example-hat cost (-want +got):\n%s", diff)
	}
	if hat.BodyHTML == "" || strings.Contains(hat.BodyText, "<") {
		t.Errorf("example-hat body %q text %q", hat.BodyHTML, hat.BodyText)
	}
}

func TestReadLegacyTemplate(t *testing.T) {
	res := mustRead(t, readFile(t, "shopify-template-legacy/product_template.csv"), "USD")
	p := productByHandle(t, res, "example-t-shirt")
	// An option named Title with real values is an option, not "no options".
	want := []Option{{"Title", []string{`Lithograph - Height: 9" x Width: 12"`, "Small", "Medium"}}}
	if diff := cmp.Diff(want, p.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	// No Status column: Published TRUE means active.
	if p.Status != StatusActive || !p.Published {
		t.Errorf("status %q published %v", p.Status, p.Published)
	}
	if got := []int64{p.Variants[0].Price.Amount, p.Variants[1].Price.Amount}; !slices.Equal(got, []int64{2500, 1999}) {
		t.Errorf("prices %v", got)
	}
	if p.Variants[0].WeightMilligrams != 3_629_000 || p.Variants[1].InventoryTracker != "" || p.Variants[2].InventoryTracker != "shopify" {
		t.Errorf("variants %+v", p.Variants)
	}
}

func TestReadApparelOptions(t *testing.T) {
	res := mustRead(t, readFile(t, "apparel.csv"), "USD")
	shirt := productByHandle(t, res, "ocean-blue-shirt")
	if shirt.Options != nil || len(shirt.Variants) != 1 || shirt.Variants[0].Price.Amount != 5000 {
		t.Errorf("ocean-blue-shirt: options %v variants %+v", shirt.Options, shirt.Variants)
	}
	top := productByHandle(t, res, "classic-varsity-top")
	if diff := cmp.Diff([]Option{{"Size", []string{"Small", "Medium", "Large"}}}, top.Options); diff != "" {
		t.Errorf("classic-varsity-top options (-want +got):\n%s", diff)
	}
}

// TestReadJeweleryLines checks line numbers in a file whose quoted
// descriptions span several lines, against the start lines Python's csv
// module gives (line_num of the previous record plus one).
func TestReadJeweleryLines(t *testing.T) {
	res := mustRead(t, readFile(t, "jewelery.csv"), "USD")
	want := map[string]int{"chain-bracelet": 2, "leather-anchor": 4, "choker-with-gold-pendant": 14, "choker-with-triangle": 23, "gemstone": 29, "gold-bird-necklace": 39, "stylish-summer-neclace": 55}
	for handle, line := range want {
		if got := productByHandle(t, res, handle).Line; got != line {
			t.Errorf("%s starts on line %d, want %d", handle, got, line)
		}
	}
	gem := productByHandle(t, res, "gemstone")
	if len(gem.Images) != 4 || gem.Variants[1].ImageSrc == "" || gem.Variants[1].InventoryQuantity != 0 {
		t.Errorf("gemstone: %d images, variants %+v", len(gem.Images), gem.Variants)
	}
	if earrings := productByHandle(t, res, "boho-earrings"); earrings.Variants[0].WeightUnit != UnitOunce || earrings.Variants[0].WeightMilligrams != 28_000 {
		t.Errorf("boho-earrings weight %+v", earrings.Variants[0])
	}
}

// TestPacktImportMatchesExport reads the file a store was imported from
// and Shopify's export of the same store: the catalogue loopshop sees must
// be the same, whatever the two files' differences in spelling (TRUE/true,
// 250/250.00, 0/0.0, tag order, descriptions added in the admin).
func TestPacktImportMatchesExport(t *testing.T) {
	imported := mustRead(t, readFile(t, "packt-export/Product Data.csv"), "USD")
	exported := mustRead(t, readFile(t, "packt-export/products_export_1.csv"), "USD")
	type key struct {
		Handle, Title, Vendor string
		Options               []Option
		Variants              []Variant
		Status                Status
	}
	keys := func(r *Result) []key {
		var ks []key
		for _, p := range r.Products {
			vs := slices.Clone(p.Variants)
			for i := range vs {
				vs[i].ImageSrc = "" // the export points at Shopify's CDN copies
			}
			ks = append(ks, key{p.Handle, p.Title, p.Vendor, p.Options, vs, p.Status})
		}
		slices.SortFunc(ks, func(a, b key) int { return strings.Compare(a.Handle, b.Handle) })
		return ks
	}
	if diff := cmp.Diff(keys(imported), keys(exported)); diff != "" {
		t.Errorf("import and export disagree (-import +export):\n%s", diff)
	}
	armchairs := productByHandle(t, exported, "black-armchairs")
	if strings.Contains(armchairs.BodyHTML, "<span") || !strings.HasPrefix(armchairs.BodyHTML, "<h6>Description</h6>") {
		t.Errorf("black-armchairs body not reduced to basic formatting: %q", armchairs.BodyHTML)
	}
}

func TestReadNewFormat(t *testing.T) {
	res := mustRead(t, readFile(t, "new-format.csv"), "GBP")
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	shirt := productByHandle(t, res, "linen-shirt")
	want := Product{
		Handle: "linen-shirt", Title: "Linen Shirt",
		BodyHTML: "<p>A <strong>linen</strong> shirt.</p>\n<ul>\n<li>Breathable</li>\n<li>Buy at our other shop</li>\n</ul>",
		BodyText: "A linen shirt.\nBreathable\nBuy at our other shop",
		Vendor:   "Acme", Category: "Apparel & Accessories > Clothing > Clothing Tops > Shirts", Type: "Shirts",
		Tags: []string{"summer", "linen"}, Published: true, Status: StatusActive,
		SEOTitle: "Linen Shirt | Acme", SEODescription: "Breathable linen.",
		Options: []Option{{"Color", []string{"White", "Blue"}}, {"Size", []string{"S", "M"}}},
		Variants: []Variant{
			{Options: []string{"White", "S"}, SKU: "LS-W-S", Barcode: "0012345678905", Price: money.New(4500, "GBP"), CompareAtPrice: gbp(6000), CostPerItem: gbp(1850),
				WeightMilligrams: 180_000, WeightUnit: "g", InventoryTracker: "shopify", InventoryQuantity: 5, InventoryPolicy: PolicyDeny, RequiresShipping: true, Taxable: true,
				ImageSrc: "https://cdn.example.net/ls-white.jpg"},
			{Options: []string{"White", "M"}, SKU: "LS-W-M", Price: money.New(4500, "GBP"), CompareAtPrice: gbp(6000), CostPerItem: gbp(1850),
				WeightMilligrams: 190_000, WeightUnit: "g", InventoryTracker: "shopify", InventoryQuantity: 0, InventoryPolicy: PolicyContinue, RequiresShipping: true, Taxable: true,
				ImageSrc: "https://cdn.example.net/ls-white.jpg"},
			{Options: []string{"Blue", "S"}, SKU: "LS-B-S", Price: money.New(4750, "GBP"),
				WeightMilligrams: 180_000, WeightUnit: "g", InventoryTracker: "shopify", InventoryQuantity: 2, InventoryPolicy: PolicyDeny, RequiresShipping: true, Taxable: false,
				ImageSrc: "https://cdn.example.net/ls-blue.jpg"},
			{Options: []string{"Blue", "M"}, SKU: "LS-B-M", Price: money.New(4750, "GBP"),
				WeightMilligrams: 190_000, WeightUnit: "g", InventoryTracker: "shopify", InventoryQuantity: 1, InventoryPolicy: PolicyDeny, RequiresShipping: true, Taxable: false,
				ImageSrc: "https://cdn.example.net/ls-blue.jpg"},
		},
		// Positions 1, 3, 2 in the file: ordered by position.
		Images: []Image{
			{"https://cdn.example.net/ls-white.jpg", 1, "White linen shirt"},
			{"https://cdn.example.net/ls-blue.jpg", 2, "Blue linen shirt"},
			{"https://cdn.example.net/ls-back.jpg", 3, "Back view"},
		},
		Line: 2,
	}
	if diff := cmp.Diff(want, shirt); diff != "" {
		t.Errorf("linen-shirt (-want +got):\n%s", diff)
	}

	card := productByHandle(t, res, "gift-card")
	if !card.GiftCard || card.Status != StatusDraft || card.Published || card.Options != nil || card.Variants[0].RequiresShipping || card.Line != 12 {
		t.Errorf("gift-card: %+v", card)
	}
	scarf := productByHandle(t, res, "wool-scarf")
	if len(scarf.Options) != 3 || scarf.Status != StatusArchived || scarf.BodyText != "Warm & soft" || scarf.Variants[0].WeightMilligrams != 250_500 || scarf.Variants[0].WeightUnit != UnitKilogram {
		t.Errorf("wool-scarf: %+v", scarf)
	}

	var unknown, ignored []string
	for _, w := range res.Warnings {
		switch {
		case strings.Contains(w.Message, "not a Shopify product column"):
			unknown = append(unknown, w.Column)
		case strings.Contains(w.Message, "not imported"):
			ignored = append(ignored, w.Message)
		}
	}
	if !slices.Equal(unknown, []string{"Notes"}) {
		t.Errorf("unknown columns reported: %v, want just Notes, once", unknown)
	}
	if len(ignored) != 1 || !strings.Contains(ignored[0], "Google Shopping / Gender") || !strings.Contains(ignored[0], "Color (product.metafields.shopify.color-pattern)") {
		t.Errorf("ignored columns warning: %v", ignored)
	}
}

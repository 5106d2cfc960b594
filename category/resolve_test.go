package category

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sources of the texts sellers' products arrive with.
const (
	dummyJSON   = "DummyJSON category"    // demo data, shared/data/catalog/dummyjson-products.json
	shopifyType = "Shopify Type"          // "Type" column of every CSV under shared/data/shopify-csv
	shopifyPath = "Shopify category path" // "Product Category" / Google category columns of the same
	phrase      = "phrase"
)

// resolveCases must send every text the sample data holds to a sensible
// node; TestSampleDataIsCovered keeps the list complete.
var resolveCases = []struct {
	source, text, want string
}{
	{dummyJSON, "beauty", "beauty-personal-care"},
	{dummyJSON, "fragrances", "fragrances"},
	{dummyJSON, "furniture", "furniture"},
	{dummyJSON, "groceries", "food-beverages"},
	{dummyJSON, "home-decoration", "home-decor"},
	{dummyJSON, "kitchen-accessories", "kitchen-utensils"},
	{dummyJSON, "laptops", "laptops"},
	{dummyJSON, "mens-shirts", "mens-tops"},
	{dummyJSON, "mens-shoes", "mens-shoes"},
	{dummyJSON, "mens-watches", "watches"},
	{dummyJSON, "mobile-accessories", "phone-accessories"},
	{dummyJSON, "motorcycle", "vehicles"}, // the demo's are whole motorcycles
	{dummyJSON, "skin-care", "skincare"},
	{dummyJSON, "smartphones", "phones"},
	{dummyJSON, "sports-accessories", "sports-equipment"},
	{dummyJSON, "sunglasses", "eyewear"},
	{dummyJSON, "tablets", "tablets"},
	{dummyJSON, "tops", "womens-tops"},
	{dummyJSON, "vehicle", "vehicles"},
	{dummyJSON, "womens-bags", "womens-bags"},
	{dummyJSON, "womens-dresses", "womens-dresses"},
	{dummyJSON, "womens-jewellery", "jewellery-accessories-derivatives"}, // "women" is context, jewellery names the product
	{dummyJSON, "womens-shoes", "womens-shoes"},
	{dummyJSON, "womens-watches", "watches"},

	{shopifyType, "Bracelet", "bracelets"},
	{shopifyType, "Earrings", "earrings"},
	{shopifyType, "Hat", "hats-caps"},
	{shopifyType, "Indoor", "home-supplies"},   // sofas, lamps, cushions, candles
	{shopifyType, "Outdoor", "garden-outdoor"}, // plant pots, trowels, fences
	{shopifyType, "Necklace", "necklaces"},
	{shopifyType, "Pants", "mens-bottoms"},
	{shopifyType, "Shirts", "mens-tops"},

	{shopifyPath, "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts", "mens-tops"},
	{shopifyPath, "Apparel & Accessories > Clothing > Pants > Jeans", "mens-bottoms"},
	{shopifyPath, "Apparel & Accessories > Clothing Accessories > Hats > Beanies", "hats-caps"},
	{shopifyPath, "Apparel & Accessories > Clothing", "womenswear-underwear"},
	{phrase, "Uncategorised", Other}, // what the Shopify importer writes when a product has neither
	{phrase, "Uncategorized products", Other},

	{phrase, "Tea", "tea-coffee"},
	{phrase, "T-Shirts", "mens-tops"},
	{phrase, "lipstick", "makeup"},
	{phrase, "Running shoes", "sneakers"},
	{phrase, "dog food", "pet-food"},
	{phrase, "Necklace", "necklaces"},

	// Exact IDs and names, whatever the case and punctuation.
	{phrase, "womens-shoes", "womens-shoes"},
	{phrase, "Women's Shoes", "womens-shoes"},
	{phrase, "WOMEN’S SHOES", "womens-shoes"},
	{phrase, "  Home Improvement ", "home-improvement"},
	{phrase, "Books, Magazines & Audio", "books-magazines-audio"},
	{phrase, "other", Other},
	// Plurals and word order do not matter; all words of a keyword must be there.
	{phrase, "Dresses", "womens-dresses"},
	{phrase, "accessory", "fashion-accessories"},
	{phrase, "dry food for dogs", "pet-food"},
	{phrase, "toys for dogs", "pet-toys"},
	{phrase, "food", "food-beverages"},
	{phrase, "Coffee machine", "kitchen-appliances"},
	{phrase, "throw pillows", "home-decor"},
	{phrase, "pillow", "bedding"},
	// Context words steer within a branch, and alone pick its top.
	{phrase, "women's cotton shirt", "womens-tops"},
	{phrase, "men's jacket", "mens-outerwear"},
	{phrase, "women's jacket", "womens-outerwear"},
	{phrase, "girls dress", "baby-kids-clothing"},
	{phrase, "ladies women's necklace", "necklaces"},
	{phrase, "Women", "womenswear-underwear"},
	{phrase, "MENS", "menswear"},
	// The deeper node explaining more of the text wins.
	{phrase, "smart watch", "wearables"},
	{phrase, "car charger", "car-electronics"},
	{phrase, "table lamp", "lighting"},
	{phrase, "Wooden Outdoor Table", "outdoor-furniture"},
	{phrase, "sports bra", "sportswear"},
	{phrase, "jigsaw puzzle", "games-puzzles"},
	{phrase, "cordless jigsaw", "power-tools"},
	// Nothing fits.
	{phrase, "", Other},
	{phrase, "   ", Other},
	{phrase, "and the", Other},
	{phrase, "Xyzzy 3000", Other},
	{phrase, ">>>", Other},
}

func TestResolve(t *testing.T) {
	for _, tc := range resolveCases {
		t.Run(tc.source+"/"+tc.text, func(t *testing.T) {
			if !Valid(tc.want) {
				t.Fatalf("the test wants %q, which is not an ID", tc.want)
			}
			if got := Resolve(tc.text); got.ID != tc.want {
				t.Errorf("Resolve(%q) = %s (%s), want %s", tc.text, got.ID, pathNames(got.ID), tc.want)
			}
		})
	}
}

// TestResolveOwnNames checks that every node is reachable by its ID and by
// its name: a seller who picks a category from the list gets that one.
func TestResolveOwnNames(t *testing.T) {
	for _, n := range all() {
		for _, text := range []string{n.ID, n.Name, strings.ToUpper(n.Name)} {
			if got := Resolve(text); got != n {
				t.Errorf("Resolve(%q) = %s, want %s", text, got.ID, n.ID)
			}
		}
	}
}

func TestResolveDoesNotAllocate(t *testing.T) {
	for _, text := range []string{"Running shoes", "womens-jewellery", "Apparel & Accessories > Clothing > Pants > Jeans", "Crème brûlée"} {
		if n := testing.AllocsPerRun(100, func() { Resolve(text) }); n != 0 {
			t.Errorf("Resolve(%q) allocates %v times", text, n)
		}
	}
}

// TestSampleDataIsCovered reads the sample data itself, when it is on this
// machine, so that a category added to it cannot go untested.
func TestSampleDataIsCovered(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("sample data not available: %v", err)
	}
	tested := map[string]bool{}
	for _, tc := range resolveCases {
		tested[tc.source+"\x00"+tc.text] = true
	}
	check := func(source, text string) {
		t.Helper()
		if !tested[source+"\x00"+text] {
			t.Errorf("%s %q (resolves to %s) is not in resolveCases", source, text, Resolve(text).ID)
			tested[source+"\x00"+text] = true // say so once
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "catalog", "dummyjson-products.json"))
	if err != nil {
		t.Fatal(err)
	}
	var products []struct{ Category string }
	if err := json.Unmarshal(b, &products); err != nil {
		var wrapped struct{ Products []struct{ Category string } }
		if err := json.Unmarshal(b, &wrapped); err != nil {
			t.Fatal(err)
		}
		products = wrapped.Products
	}
	for _, p := range products {
		check(dummyJSON, p.Category)
	}

	var files int
	err = filepath.WalkDir(filepath.Join(dir, "shopify-csv"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".csv" {
			return err
		}
		files++
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if err != nil {
			return err
		}
		columns := map[int]string{}
		for i, h := range header {
			switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
			case "Type":
				columns[i] = shopifyType
			case "Product Category", "Google Shopping / Google Product Category":
				columns[i] = shopifyPath
			}
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			for i, source := range columns {
				v := ""
				if i < len(rec) {
					v = strings.TrimSpace(rec[i])
				}
				// Google category numbers (e.g. "212") are not text to match.
				if v != "" && strings.Trim(v, "0123456789") != "" {
					check(source, v)
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(products) == 0 || files == 0 {
		t.Fatalf("read %d products and %d CSV files; the sample data has moved", len(products), files)
	}
}

func FuzzResolve(f *testing.F) {
	for _, tc := range resolveCases {
		f.Add(tc.text)
	}
	f.Add("Crème brûlée")
	f.Add("ΑΘΗΝΑ’s ＳＨＯＥＳ")
	f.Add("men's > > women's >")
	f.Add(strings.Repeat("shoe dress ", 100))
	f.Add("\xff\xfe shoes")
	f.Fuzz(func(t *testing.T, text string) {
		n := Resolve(text)
		if n == nil {
			t.Fatalf("Resolve(%q) = nil", text)
		}
		if got, ok := Get(n.ID); !ok || got != n {
			t.Fatalf("Resolve(%q) = %s, which is not the tree's node", text, n.ID)
		}
		if again := Resolve(text); again != n {
			t.Fatalf("Resolve(%q) = %s, then %s", text, n.ID, again.ID)
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	texts := []string{
		"Running shoes", "mens-shirts", "Necklace", "Outdoor", "womens-jewellery",
		"Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
		"Women's Leather Ankle Boots with Zip", "Xyzzy 3000",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Resolve(texts[i%len(texts)])
		i++
	}
}

func pathNames(id string) string {
	var names []string
	for _, n := range Path(id) {
		names = append(names, n.Name)
	}
	return strings.Join(names, " › ")
}

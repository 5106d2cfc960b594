package shopify_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/shopify"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// realFile finds a file of the shared Shopify samples, beside the checkout.
func realFile(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range []string{"../shopifycsv/testdata", "../shopifycsv/testdata/real", "../../shared/data/shopify-csv"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return b
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("sample %s not found; CI has shared/ beside the checkout", name)
	}
	t.Skipf("sample %s not found (shared/data/shopify-csv is not beside this checkout)", name)
	return nil
}

type fixture struct {
	im     *shopify.Importer
	cat    *catalog.Service
	seller *identity.Actor
	shop   *catalog.Shop
	router *sqlstore.Router
	p      *platform.Platform
}

func newFixture(t *testing.T, engine string, change ...func(*platform.Options)) fixture {
	t.Helper()
	ctx := context.Background()
	r := sqltest.Router(t, engine)
	p := testkit.Platform(t, r, change...)
	ids := identity.NewService(sqlstore.NewIdentityStore(r), r.Markets(), "k", 3600e9)
	acc, err := ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "importer@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	seller := &identity.Actor{AccountID: acc.ID, Market: "GB"}
	cat := p.Catalog
	shop, err := cat.CreateShop(ctx, seller, catalog.NewShop{Name: "Imported Goods"})
	if err != nil {
		t.Fatal(err)
	}
	seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
	return fixture{im: &shopify.Importer{Catalog: cat, Markets: r.Markets()}, cat: cat, seller: seller, shop: shop, router: r, p: p}
}

// The expected counts were taken with Python's csv module, independently
// of the importer (see shopifycsv's tests).
var samples = []struct {
	file               string
	products, variants int
}{
	{"apparel.csv", 20, 22},
	{"home-and-garden.csv", 20, 21},
	{"jewelery.csv", 20, 23},
	{"packt-export/Product Data.csv", 20, 21},
	{"packt-export/products_export_1.csv", 20, 21},
	{"shopify-template-2023/product_template.csv", 3, 16},
	{"shopify-template-legacy/product_template.csv", 1, 3},
}

func TestImportRealFilesExactlyAndIdempotently(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		for _, s := range samples {
			t.Run(s.file, func(t *testing.T) {
				f := newFixture(t, engine)
				data := realFile(t, s.file)
				dry, err := f.im.ImportCSV(ctx, f.seller, f.shop.ID, bytes.NewReader(data), shopify.ImportOptions{DryRun: true})
				if err != nil || !dry.OK() || dry.Products != s.products || dry.Variants != s.variants || dry.Created != s.products || len(dry.Imported) != 0 {
					t.Fatalf("dry run = %+v, %v; want %d products, %d variants, all to be created, nothing written", dry, err, s.products, s.variants)
				}
				if _, err := f.cat.ProductByHandle(ctx, f.seller, f.shop.ID, shopify.Handle("ocean-blue-shirt")); s.file == "apparel.csv" && loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
					t.Fatalf("the dry run wrote a product: %v", err)
				}
				var ticks int
				rep, err := f.im.ImportCSV(ctx, f.seller, f.shop.ID, bytes.NewReader(data), shopify.ImportOptions{Progress: func(done, total int) { ticks++ }})
				if err != nil {
					t.Fatalf("import: %v (report %+v)", err, rep)
				}
				if rep.Created != s.products || rep.Updated != 0 || ticks != s.products {
					t.Errorf("first import: created %d, updated %d, %d progress ticks; want %d created", rep.Created, rep.Updated, ticks, s.products)
				}
				again, err := f.im.ImportCSV(ctx, f.seller, f.shop.ID, bytes.NewReader(data), shopify.ImportOptions{})
				if err != nil || again.Created != 0 || again.Updated != s.products {
					t.Errorf("second import = %+v, %v; want every product updated, none created", again, err)
				}
				// Every variant became a SKU, once.
				skus := 0
				for _, h := range rep.Imported {
					p, err := f.cat.ProductByHandle(ctx, f.seller, f.shop.ID, h)
					if err != nil {
						t.Fatal(err)
					}
					skus += len(p.SKUs)
				}
				if skus != s.variants {
					t.Errorf("%d SKUs in the catalogue, want %d", skus, s.variants)
				}
			})
		}
	})
}

func TestBadFileImportsNothing(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		f := newFixture(t, engine)
		csv := "Handle,Title,Variant Price,Variant SKU\r\n" +
			"good-one,Good one,12.50,G-1\r\n" +
			"bad-one,Bad one,12,50,B-1\r\n"
		rep, err := f.im.ImportCSV(ctx, f.seller, f.shop.ID, strings.NewReader(csv), shopify.ImportOptions{})
		if loopshop.ErrorCode(err) != loopshop.EUNPROCESSABLE {
			t.Fatalf("import of a file with a bad row: %v, want unprocessable", err)
		}
		if rep == nil || len(rep.Errors) == 0 || rep.Errors[0].Line != 3 {
			t.Fatalf("report = %+v; want the bad row reported at line 3", rep)
		}
		if _, err := f.cat.ProductByHandle(ctx, f.seller, f.shop.ID, "good-one"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("the good product of a refused file was imported: %v", err)
		}
	})
}

func TestHandleNormalises(t *testing.T) {
	for in, want := range map[string]string{"Ocean-Blue_Shirt": "ocean-blue-shirt", "  Été 2024 ": "ete-2024", "--x--": "x"} {
		if got := shopify.Handle(in); got != want {
			t.Errorf("Handle(%q) = %q, want %q", in, got, want)
		}
	}
}

// Export then import into another shop gives the same catalogue, and the
// export of that shop is the same file.
func TestExportImportRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		f := newFixture(t, engine)
		if _, err := f.im.ImportCSV(ctx, f.seller, f.shop.ID, bytes.NewReader(realFile(t, "jewelery.csv")), shopify.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		ex := &shopify.Exporter{Catalog: f.cat}
		var first bytes.Buffer
		n, err := ex.ExportCSV(ctx, f.seller, f.shop.ID, &first)
		if err != nil || n != 20 {
			t.Fatalf("export: %d products, %v; want 20", n, err)
		}
		other, err := f.cat.CreateShop(ctx, f.seller, catalog.NewShop{Name: "Second Shop"})
		if err != nil {
			t.Fatal(err)
		}
		f.seller.Shops[other.ID] = identity.ShopOwner
		rep, err := f.im.ImportCSV(ctx, f.seller, other.ID, bytes.NewReader(first.Bytes()), shopify.ImportOptions{})
		if err != nil || rep.Created != 20 {
			t.Fatalf("re-import of the export: %+v, %v", rep, err)
		}
		var second bytes.Buffer
		if _, err := ex.ExportCSV(ctx, f.seller, other.ID, &second); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Errorf("export → import → export is not stable:\nfirst:\n%s\nsecond:\n%s", first.String(), second.String())
		}
	})
}

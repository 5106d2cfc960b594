package ui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
)

// signedIn returns a browser signed in through the sign-in form.
func (e *env) signedIn(t *testing.T, email string) *browser {
	t.Helper()
	b := e.browser()
	r := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	wantStatus(t, r, http.StatusSeeOther)
	return b
}

// upload posts a multipart form with a file, as a same-origin browser would.
func (b *browser) upload(path, fileName, content string, fields url.Values) response {
	b.e.t.Helper()
	return b.uploadAs(path, "file", fileName, content, fields)
}

// uploadAs is upload with the file in the form field fileField.
func (b *browser) uploadAs(path, fileField, fileName, content string, fields url.Values) response {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				b.e.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(fileField, fileName)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if _, err := fw.Write([]byte(content)); err != nil {
		b.e.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		b.e.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.e.srv.URL+path, &body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func TestSellerCenterSignedOutGoesToSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{
		"/seller",
		"/seller/shops/" + e.gbShop.ID + "/products",
		"/seller/products/" + e.mug.ID + "/stock",
		"/seller/shops/" + e.gbShop.ID + "/import",
		"/seller/shops/" + e.gbShop.ID + "/export.csv",
	} {
		t.Run(path, func(t *testing.T) {
			r := e.browser().get(path)
			wantStatus(t, r, http.StatusSeeOther)
			if want := "/login?next=" + url.QueryEscape(path); r.Header.Get("Location") != want {
				t.Errorf("redirects to %q, want %q", r.Header.Get("Location"), want)
			}
		})
	}
}

func TestSellerCenterShowsOwnShopOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.signedIn(t, "harriet@example.com")

	// The header offers Seller Center, which goes straight to the one shop.
	wantBody(t, owner.get("/"), []string{`href="/seller"`}, nil)
	r := owner.get("/seller")
	wantStatus(t, r, http.StatusSeeOther)
	products := "/seller/shops/" + e.gbShop.ID + "/products"
	if loc := r.Header.Get("Location"); loc != products {
		t.Fatalf("/seller redirects to %q, want %q", loc, products)
	}

	r = owner.get(products)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Hearth Test Shop", "Stoneware Mug", "Secret Teapot", "£12.99", "£45.00", ">Draft<", ">Live<",
		`src="/media/products/test/mug.png"`, `href="/seller/products/` + e.mug.ID + `/stock"`}, []string{"Kaffeemühle"})

	r = owner.get(products + "?status=DRAFT")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Secret Teapot"}, []string{"Stoneware Mug"})

	// Someone else, signed in, finds none of the shop's seller pages,
	// nor the stock of its live mug, which is public as a product.
	stranger := e.signedIn(t, "jonas@example.com")
	wantBody(t, stranger.get("/"), []string{`href="/seller"`}, nil) // jonas runs a shop too
	for _, path := range []string{
		products,
		"/seller/products/" + e.mug.ID + "/stock",
		"/seller/products/" + e.draft.ID + "/stock",
		"/seller/shops/" + e.gbShop.ID + "/import",
		"/seller/shops/" + e.gbShop.ID + "/export.csv",
	} {
		r := stranger.get(path)
		wantStatus(t, r, http.StatusNotFound)
		wantBody(t, r, nil, []string{"Stoneware Mug", "Secret Teapot"})
	}
	sku := e.mug.SKUs[0].ID
	r = stranger.post("/seller/products/"+e.mug.ID+"/stock", url.Values{"sku_id": {sku}, "available": {"1"}})
	wantStatus(t, r, http.StatusNotFound)
	r = stranger.upload("/seller/shops/"+e.gbShop.ID+"/import", "x.csv", "Handle,Title,Variant Price\r\nx,X,1.00\r\n", nil)
	wantStatus(t, r, http.StatusNotFound)
	if _, err := e.cat.ProductByHandle(context.Background(), e.gbOwner, e.gbShop.ID, "x"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
		t.Errorf("a stranger's import wrote to the shop: %v", err)
	}
}

var availableRE = regexp.MustCompile(`data-label="Available: ">(-?\d+)<`)

func TestSellerSetsStock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.signedIn(t, "harriet@example.com")
	page := "/seller/products/" + e.mug.ID + "/stock"
	sku := e.mug.SKUs[0].ID

	r := owner.get(page)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Stoneware Mug", "MUG-1", "Main warehouse"}, nil)
	if m := availableRE.FindStringSubmatch(r.body); m == nil || m[1] != "0" {
		t.Fatalf("available before = %v, want 0:\n%s", m, r.body)
	}
	whs, err := e.cat.Warehouses(ctx, e.gbOwner, e.gbShop.ID)
	if err != nil {
		t.Fatal(err)
	}

	r = owner.post(page, url.Values{"sku_id": {sku}, "warehouse_id": {whs[0].ID}, "available": {"7"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = owner.get(r.Header.Get("Location"))
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Stock updated.", "+7", "COUNT"}, nil)
	if m := availableRE.FindStringSubmatch(r.body); m == nil || m[1] != "7" {
		t.Errorf("available after setting 7 = %v, want 7", m)
	}
	wantBody(t, owner.get("/seller/shops/"+e.gbShop.ID+"/products"), []string{`<td class="num">7</td>`}, nil)

	for _, tt := range []struct {
		name, typed string
		status      int
		message     string
	}{
		{"negative", "-3", http.StatusBadRequest, "must be a whole number from 0 to"},
		{"not a number", "lots", http.StatusBadRequest, "Available must be a whole number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := owner.post(page, url.Values{"sku_id": {sku}, "warehouse_id": {whs[0].ID}, "available": {tt.typed}})
			wantStatus(t, r, tt.status)
			wantBody(t, r, []string{`class="field-error" role="alert"`, tt.message, `value="` + tt.typed + `"`, "Stoneware Mug"}, []string{"Stock updated."})
			stock, err := e.cat.StockOfProduct(ctx, e.gbOwner, e.mug.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(stock) != 1 || stock[0].Available != 7 {
				t.Errorf("stock after a refused change = %+v, want 7 available", stock)
			}
		})
	}
}

const importCSV = "Handle,Title,Vendor,Type,Status,Published,Variant SKU,Variant Price,Variant Inventory Qty\r\n" +
	"linen-shirt,Linen Shirt,Acme,Shirts,active,TRUE,LS-1,45.00,5\r\n" +
	"wool-scarf,Wool Scarf,Acme,Scarves,draft,FALSE,WS-1,19.50,2\r\n"

func TestSellerImportsShopifyCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.signedIn(t, "harriet@example.com")
	imp := "/seller/shops/" + e.gbShop.ID + "/import"

	r := owner.get(imp)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{`enctype="multipart/form-data"`, `name="dry_run"`, `href="/seller/shops/` + e.gbShop.ID + `/export.csv"`}, nil)

	t.Run("dry run reports and writes nothing", func(t *testing.T) {
		r := owner.upload(imp, "catalogue.csv", importCSV, url.Values{"dry_run": {"1"}})
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, []string{"Dry run of catalogue.csv", "Would create", "<dd>2</dd>", "Nothing was written"}, []string{"Imported."})
		for _, h := range []string{"linen-shirt", "wool-scarf"} {
			if _, err := e.cat.ProductByHandle(ctx, e.gbOwner, e.gbShop.ID, h); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
				t.Errorf("dry run wrote %s: %v", h, err)
			}
		}
	})
	t.Run("bad rows are listed by line", func(t *testing.T) {
		bad := "Handle,Title,Variant Price,Variant SKU\r\ngood-one,Good one,12.50,G-1\r\nbad-one,Bad one,12,50,B-1\r\n"
		r := owner.upload(imp, "bad.csv", bad, nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, []string{`class="alert"`, "nothing was imported", `<tr class="row-error"><td class="num">3</td>`}, nil)
		if _, err := e.cat.ProductByHandle(ctx, e.gbOwner, e.gbShop.ID, "good-one"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a refused file wrote good-one: %v", err)
		}
	})
	t.Run("a file over the usual 1 MiB body limit is read", func(t *testing.T) {
		big := "Handle,Title,Body (HTML),Variant Price\r\nbig,Big," + strings.Repeat("x", 2<<20) + ",1.00\r\n"
		r := owner.upload(imp, "big.csv", big, url.Values{"dry_run": {"1"}})
		// Read and judged (its description field is too long), not refused for size.
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, []string{"<td>Body (HTML)</td>", "bytes long"}, nil)
	})
	t.Run("import creates products", func(t *testing.T) {
		r := owner.upload(imp, "catalogue.csv", importCSV, nil)
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, []string{"Import of catalogue.csv", "Imported.", "Created"}, []string{"Would create"})
		r = owner.get("/seller/shops/" + e.gbShop.ID + "/products")
		wantBody(t, r, []string{"Linen Shirt", "Wool Scarf", "£45.00", "Stoneware Mug"}, nil)
		p, err := e.cat.ProductByHandle(ctx, e.gbOwner, e.gbShop.ID, "linen-shirt")
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != catalog.StatusActivate {
			t.Errorf("active Shopify product imported as %s", p.Status)
		}
	})
	t.Run("export", func(t *testing.T) {
		r := owner.get("/seller/shops/" + e.gbShop.ID + "/export.csv")
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="hearth-test-shop-products.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		wantBody(t, r, []string{"Title", "linen-shirt", "Stoneware Mug", "Secret Teapot"}, nil)
	})
}

func TestSellerCenterPicksAmongShops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.shop(context.Background(), e.gbOwner, "Another Test Shop")
	r := e.signedIn(t, "harriet@example.com").get("/seller")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Hearth Test Shop", "Another Test Shop", `href="/seller/shops/` + e.gbShop.ID + `/products"`}, nil)
}

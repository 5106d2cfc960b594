package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/page"
)

func TestSellerEditsAProduct(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.signedIn(t, "harriet@example.com")
	path := "/seller/products/" + e.mug.ID
	price := "price_" + e.mug.SKUs[0].ID

	r := owner.get(path)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{`value="Stoneware Mug"`, `name="` + price + `" value="12.99"`, ">Take off sale<", ">Delete<"}, []string{">Publish<"})

	form := url.Values{"title": {"Stoneware Mug, large"}, "description": {"Holds a pint."}, "category": {"kitchen-accessories"},
		"brand": {"Clayworks"}, "tags": {"mug, tea , "}, price: {"14.50"}, "compare_at_" + e.mug.SKUs[0].ID: {"18"}}
	r = owner.post(path, form)
	wantStatus(t, r, http.StatusSeeOther)
	got, err := e.cat.Product(ctx, e.gbOwner, e.mug.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Stoneware Mug, large" || got.SKUs[0].Price.Amount != 1450 || got.SKUs[0].CompareAt == nil || got.SKUs[0].CompareAt.Amount != 1800 ||
		len(got.Tags) != 2 || got.SKUs[0].ID != e.mug.SKUs[0].ID || got.ImageKey != e.mug.ImageKey {
		t.Errorf("after saving: %+v; want the new title, £14.50 was £18.00, tags [mug tea], same SKU and image", got)
	}
	wantBody(t, owner.get(path+"?done=saved"), []string{"Saved.", `value="14.50"`}, nil)
	wantBody(t, owner.get(path), []string{"Live, and being checked"}, nil)

	// A price that is not one says so next to the box, keeping what was typed.
	form.Set(price, "twelve")
	r = owner.post(path, form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, `name="` + price + `" value="twelve"`, `aria-invalid="true"`}, nil)
	form.Set(price, "14.50")
	form.Set("title", "X")
	r = owner.post(path, form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`class="field invalid"><span>Title`}, nil)

	// Off sale, the mug leaves the storefront; published again, it is back.
	wantStatus(t, owner.post(path+"/status", url.Values{"action": {catalog.ActionDeactivate}}), http.StatusSeeOther)
	if n := e.live(t); n != 1 { // the grinder in DE is not GB's, the teapot a draft
		t.Errorf("%d GB products live after taking the mug off sale, want 0", n-1)
	}
	wantBody(t, owner.get(path+"?done=deactivate"), []string{"Taken off sale", ">Publish<"}, []string{">Take off sale<"})
	wantStatus(t, owner.post(path+"/status", url.Values{"action": {catalog.ActionPublish}}), http.StatusSeeOther)
	if n := e.live(t); n != 2 {
		t.Errorf("the mug is not back on sale after publishing it")
	}

	// Someone else can neither see nor change it.
	stranger := e.signedIn(t, "jonas@example.com")
	wantStatus(t, stranger.get(path), http.StatusNotFound)
	wantStatus(t, stranger.post(path, form), http.StatusNotFound)
	wantStatus(t, stranger.post(path+"/status", url.Values{"action": {catalog.ActionDelete}}), http.StatusNotFound)

	r = owner.post(path+"/status", url.Values{"action": {catalog.ActionDelete}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, owner.get(r.Header.Get("Location")), []string{"Deleted “Stoneware Mug, large”."}, []string{`href="/seller/products/` + e.mug.ID + `"`})
}

// live counts the live products of every market the test env has.
func (e *env) live(t *testing.T) int {
	t.Helper()
	n := 0
	for _, m := range []string{"GB", "DE"} {
		pg, err := e.cat.Browse(context.Background(), m, page.Request{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Items)
	}
	return n
}

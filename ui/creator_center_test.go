package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
)

// A creator finds a plan in Creator Center, asks to join, is approved by
// the seller, and puts the plan's product in its showcase.
func TestCreatorCenter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "mia@example.com", Password: "correct horse battery", DisplayName: "Mia Loops", Creator: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := e.aff.CreatePlan(ctx, e.gbOwner, e.gbShop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Mug lovers", NeedsApproval: true,
		Products: []affiliate.ProductRate{{ProductID: e.mug.ID, RateBPS: 1250}}})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, "mia@example.com")
	r := b.get("/creator")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Creator Center", "Mug lovers", "Stoneware Mug", "12.5 %", `action="/creator/plans/` + plan.ID + `/join"`, "£0.00"}, []string{"Pay out"})

	r = b.post("/creator/plans/"+plan.ID+"/join", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Request sent", "PENDING"}, []string{"Add to showcase"})

	// Asking to showcase before approval is refused on the page.
	r = b.post("/creator/showcase", url.Values{"product_id": {e.mug.ID}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "affiliate plan"}, nil)

	if _, err := e.aff.Decide(ctx, e.gbOwner, plan.ID, a.ID, true); err != nil {
		t.Fatal(err)
	}
	wantBody(t, b.get("/creator"), []string{"APPROVED", "Add to showcase"}, nil)
	r = b.post("/creator/showcase", url.Values{"product_id": {e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"“Stoneware Mug” is in your showcase."}, nil)
	wantBody(t, e.browser().get("/creators/"+a.ID), []string{"Mia Loops", "Stoneware Mug"}, nil)
	r = b.post("/creator/samples", url.Values{"product_id": {e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Sample of “Stoneware Mug” requested", "REQUESTED"}, nil)

	// Creator Center is for creators.
	e.seller(ctx, "GB", "plain@example.com")
	wantStatus(t, e.signedIn(t, "plain@example.com").get("/creator"), http.StatusForbidden)
}

// A creator joins a shop-wide plan, sees whose shop it is, picks one of the
// shop's products for its showcase and asks a sample of another, from the
// plan's card and from the page of all its products; the shop's draft is
// not offered, and nobody outside the plan sees that page.
func TestCreatorShopWidePlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "mia@example.com", Password: "correct horse battery", DisplayName: "Mia Loops", Creator: true})
	if err != nil {
		t.Fatal(err)
	}
	towel := e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: "Linen Tea Towel", Category: "kitchen-accessories", SKUs: []catalog.NewSKU{{Price: 850}}}, true)
	plan, err := e.aff.CreatePlan(ctx, e.gbOwner, e.gbShop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Everything at Hearth", ShopWideBPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	shopLink := `href="/shops/` + e.gbShop.ID + `">Hearth Test Shop</a>`
	b := e.signedIn(t, "mia@example.com")
	r := b.get("/creator")
	wantBody(t, r, []string{"Everything at Hearth", shopLink, "10 % on everything", `action="/creator/plans/` + plan.ID + `/join"`}, []string{"Add to showcase"})

	r = b.post("/creator/plans/"+plan.ID+"/join", nil)
	wantStatus(t, r, http.StatusSeeOther)
	r = b.get(r.Header.Get("Location"))
	wantBody(t, r, []string{"You joined the plan", "APPROVED", shopLink, "Stoneware Mug", "£12.99", "Linen Tea Towel", "£8.50",
		`name="product_id" value="` + e.mug.ID + `"`, `name="product_id" value="` + towel.ID + `"`, "Add to showcase", "Request a sample"},
		[]string{"Secret Teapot", "All products of this plan"})

	r = b.post("/creator/showcase", url.Values{"product_id": {e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"“Stoneware Mug” is in your showcase."}, nil)
	r = b.post("/creator/samples", url.Values{"product_id": {towel.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Sample of “Linen Tea Towel” requested", "REQUESTED"}, nil)
	r = b.post("/creator/samples", url.Values{"product_id": {e.draft.ID}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "not on sale"}, nil)

	showcase, err := e.content.Showcase(ctx, a.ID, page.Request{Limit: 10})
	if err != nil || len(showcase.Items) != 1 || showcase.Items[0].ProductID != e.mug.ID {
		t.Errorf("the creator's showcase: %+v %v; want the mug", showcase.Items, err)
	}
	samples, err := e.aff.SamplesOfShop(ctx, e.gbOwner, e.gbShop.ID)
	if err != nil || len(samples) != 1 || samples[0].ProductID != towel.ID || samples[0].CreatorID != a.ID || samples[0].Status != affiliate.SampleRequested {
		t.Errorf("the shop's samples: %+v %v; want the creator's request for the towel", samples, err)
	}

	// With more products than its card shows, the plan links to them all.
	for i := range 6 {
		e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: fmt.Sprintf("Bowl no. %02d", i), Category: "kitchen-accessories", SKUs: []catalog.NewSKU{{Price: 500}}}, true)
	}
	all := "/creator/plans/" + plan.ID + "/products"
	r = b.get("/creator")
	wantBody(t, r, []string{`href="` + all + `">All products of this plan`}, []string{"Stoneware Mug"}) // the newest six only
	r = b.get(all)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Everything at Hearth", shopLink, "Stoneware Mug", "Linen Tea Towel", "Bowl no. 05", `value="` + e.mug.ID + `"`}, []string{"Secret Teapot"})
	if n := strings.Count(r.body, `action="/creator/samples"`); n != 8 {
		t.Errorf("the plan's page offers %d products to sample; want the shop's 8 live ones", n)
	}
	r = b.post("/creator/showcase", url.Values{"product_id": {towel.ID}})
	wantStatus(t, r, http.StatusSeeOther)

	if _, err := e.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "sam@example.com", Password: "correct horse battery", DisplayName: "Sam", Creator: true}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.signedIn(t, "sam@example.com").get(all), http.StatusNotFound)
}

package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/identity"
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

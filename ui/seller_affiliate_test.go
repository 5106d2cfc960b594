package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/identity"
)

// A seller starts a plan from Seller Center, approves a creator who asked
// to join, and approves and ships the creator's sample request.
func TestSellerAffiliate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	b := e.signedIn(t, "harriet@example.com")
	base := "/seller/shops/" + e.gbShop.ID + "/affiliate"
	wantBody(t, b.get(base), []string{"New plan", "No plans yet", "No sample requests"}, nil)

	r := b.post(base+"/plans", url.Values{"name": {"Mugs"}, "percent": {"95"}, "kind": {"OPEN"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "basis points", `value="Mugs"`}, nil)
	r = b.post(base+"/plans", url.Values{"name": {"Mugs"}, "percent": {"12.5"}, "kind": {"OPEN"}, "approval": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Plan “Mugs” is live.", "12.5 % on everything", "No creators yet"}, nil)

	a, err := e.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "mia@example.com", Password: "correct horse battery", DisplayName: "Mia", Creator: true})
	if err != nil {
		t.Fatal(err)
	}
	creator := &identity.Actor{AccountID: a.ID, Market: "GB", IsCreator: true}
	plans, err := e.aff.PlansOfShop(ctx, e.gbOwner, e.gbShop.ID)
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %v %v", plans, err)
	}
	if _, err := e.aff.Join(ctx, creator, plans[0].ID); err != nil {
		t.Fatal(err)
	}
	wantBody(t, b.get(base), []string{a.ID, "PENDING", "/approve"}, nil)
	r = b.post(base+"/members/"+plans[0].ID+"~"+a.ID+"/approve", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"The creator is in the plan.", "APPROVED"}, nil)

	smp, err := e.aff.RequestSample(ctx, creator, e.mug.ID, "for a morning routine video")
	if err != nil {
		t.Fatal(err)
	}
	wantBody(t, b.get(base), []string{"Stoneware Mug", "for a morning routine video", "REQUESTED"}, nil)
	wantStatus(t, b.post(base+"/samples/"+smp.ID+"/approve", nil), http.StatusSeeOther)
	r = b.post(base+"/samples/"+smp.ID+"/ship", url.Values{"carrier": {"Royal Mail"}, "tracking_number": {"?"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{"tracking number"}, nil)
	r = b.post(base+"/samples/"+smp.ID+"/ship", url.Values{"carrier": {"Royal Mail"}, "tracking_number": {"RM1234GB"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"on its way", affiliate.SampleShipped, "video due"}, nil)

	// Another seller's account cannot act on the shop.
	other := e.signedIn(t, "jonas@example.com")
	wantStatus(t, other.get(base), http.StatusNotFound)
	wantStatus(t, other.post(base+"/plans/"+plans[0].ID+"/end", nil), http.StatusNotFound)
}

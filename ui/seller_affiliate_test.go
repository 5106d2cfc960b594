package ui_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/sqlstore"
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
	wantBody(t, b.get(base), []string{`href="/creators/` + a.ID + `">Mia</a>`, "PENDING", "/approve"}, nil)
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

// A seller invites creators to a targeted plan by the names their
// profiles show, or @name, not by account IDs; a name that is nobody's, or
// two creators', is refused next to the field with what was typed kept,
// and the plan then names its creators.
func TestSellerTargetsPlanByHandle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	store := sqlstore.NewIdentityStore(e.router)
	creator := func(name string) *identity.Account {
		t.Helper()
		a := &identity.Account{ID: loopshop.NewID("acc", "GB"), Market: "GB", Email: loopshop.RandomToken(6) + "@example.com", DisplayName: name,
			IsCreator: true, CreatedAt: identity.Now(), PasswordHash: "not a hash"}
		if err := store.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	mia, bea := creator("Mia Loops"), creator("Bea")
	creator("Sam")
	creator("Sam")
	b := e.signedIn(t, "harriet@example.com")
	base := "/seller/shops/" + e.gbShop.ID + "/affiliate"
	invalid := regexp.MustCompile(`<label class="field invalid">.*\n?\s*<textarea name="invited"[^>]*aria-invalid="true"`)
	for _, tt := range []struct {
		name, invited string
		message       string
	}{
		{"unknown handle", "@nobody", `No creator in GB is called &#34;@nobody&#34;`},
		{"two creators' name", "Mia Loops\nSam", `2 creators in GB are called &#34;Sam&#34;`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post(base+"/plans", url.Values{"name": {"For friends"}, "percent": {"15"}, "kind": {"TARGETED"}, "invited": {tt.invited}})
			wantStatus(t, r, http.StatusBadRequest)
			wantBody(t, r, []string{"Invited creators", `id="invited-error" role="alert">` + tt.message, `value="For friends"`,
				">" + template.HTMLEscapeString(tt.invited) + "</textarea>", `value="TARGETED" checked`}, nil)
			if !invalid.MatchString(r.body) {
				t.Errorf("the invited field is not marked invalid:\n%s", r.body)
			}
		})
	}
	if plans, err := e.aff.PlansOfShop(ctx, e.gbOwner, e.gbShop.ID); err != nil || len(plans) != 0 {
		t.Fatalf("refused forms set up plans: %v %v", plans, err)
	}

	r := b.post(base+"/plans", url.Values{"name": {"For friends"}, "percent": {"15"}, "kind": {"TARGETED"}, "invited": {"@mia loops, Bea\n" + mia.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Plan “For friends” is live.", `href="/creators/` + mia.ID + `">Mia Loops</a>`,
		`href="/creators/` + bea.ID + `">Bea</a>`}, nil)
	plans, err := e.aff.PlansOfShop(ctx, e.gbOwner, e.gbShop.ID)
	if err != nil || len(plans) != 1 || fmt.Sprint(plans[0].Invited) != fmt.Sprint([]string{mia.ID, bea.ID}) {
		t.Fatalf("plans %+v %v; want one inviting Mia and Bea, once each", plans, err)
	}

	// The invited creator joins and asks for a sample: the seller sees its
	// name, not its account ID.
	actor := &identity.Actor{AccountID: mia.ID, Market: "GB", IsCreator: true}
	if _, err := e.aff.Join(ctx, actor, plans[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.aff.RequestSample(ctx, actor, e.mug.ID, ""); err != nil {
		t.Fatal(err)
	}
	r = b.get(base)
	wantBody(t, r, []string{`<td><a class="link" href="/creators/` + mia.ID + `">Mia Loops</a></td>`}, []string{"<td>" + mia.ID, "<span>" + mia.ID})
}

package catalog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// A published listing goes live at once and is reviewed in the background:
// a clean one is approved, a duplicate or a bait discount is taken down into
// the staff queue with the reason.
func TestBackgroundReview(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		staff := &identity.Actor{AccountID: "acc_gb_reviewer", Market: "GB", StaffRoles: []identity.StaffRole{identity.RoleTrustSafety},
			ClearedMarkets: map[string]bool{"GB": true}}

		bait := product("Silk scarf", 500)
		bait.SKUs[0].CompareAtPrice = 50000
		var ids []string
		for _, in := range []catalog.NewProduct{product("Green tea", 1299), product("GREEN TEA", 999), bait} {
			p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, in, true)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != catalog.StatusActivate || p.AuditStatus != catalog.AuditPending {
				t.Fatalf("%s published as %s/%s; want ACTIVATE/AUDITING", p.Title, p.Status, p.AuditStatus)
			}
			ids = append(ids, p.ID)
		}
		if n := e.runJobs(); n != 3 {
			t.Fatalf("ran %d review jobs, want 3 (one per published listing)", n)
		}
		want := []struct{ status, audit, note string }{
			{catalog.StatusActivate, catalog.AuditApproved, ""},
			{catalog.StatusPending, catalog.AuditPending, "already lists"},
			{catalog.StatusPending, catalog.AuditPending, "more than 90% off"},
		}
		for i, id := range ids {
			p, err := e.catalog.Product(ctx, owner, id)
			if err != nil {
				t.Fatal(err)
			}
			w := want[i]
			if p.Status != w.status || p.AuditStatus != w.audit || !strings.Contains(p.ReviewNote, w.note) {
				t.Errorf("%s after review: %s/%s note %q; want %s/%s with %q", p.Title, p.Status, p.AuditStatus, p.ReviewNote, w.status, w.audit, w.note)
			}
			if i == 1 && !strings.Contains(p.ReviewNote, ids[0]) {
				t.Errorf("duplicate's note %q does not name the listing it duplicates, %s", p.ReviewNote, ids[0])
			}
		}
		q, err := e.catalog.ReviewQueue(ctx, staff, "GB", page.Request{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Items) != 2 {
			t.Errorf("review queue holds %d listings, want the 2 taken down", len(q.Items))
		}
		if e.runJobs() != 0 {
			t.Error("review jobs ran twice")
		}
	})
}

// The background review decides on the listing as it reads when the job
// runs, and an edit in between is reviewed by its own job.
func TestBackgroundReviewSeesTheLatestEdit(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		in := product("Green tea", 1299)
		p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		in.Tags = []string{"replica"}
		if _, err := e.catalog.UpdateProduct(ctx, owner, p.ID, in); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		got, err := e.catalog.Product(ctx, owner, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != catalog.StatusPending || !strings.Contains(got.ReviewNote, "replica") {
			t.Errorf("after an edit tagging it 'replica': %s note %q; want PENDING naming the word", got.Status, got.ReviewNote)
		}
	})
}

func TestSetProductStatus(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		other, _ := e.seller("GB", "Juice Bar")
		p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, product("Green tea", 1299), false)
		if err != nil {
			t.Fatal(err)
		}
		live := func() int {
			pg, err := e.catalog.Browse(ctx, "GB", page.Request{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(pg.Items)
		}
		steps := []struct {
			name   string
			action string
			want   string // error code, or "" for success
			status string
			live   int
		}{
			{"deactivate a draft", catalog.ActionDeactivate, loopshop.ECONFLICT, catalog.StatusDraft, 0},
			{"publish the draft", catalog.ActionPublish, "", catalog.StatusActivate, 1},
			{"publish again", catalog.ActionPublish, loopshop.ECONFLICT, catalog.StatusActivate, 1},
			{"deactivate", catalog.ActionDeactivate, "", catalog.StatusSellerDeactivated, 0},
			{"publish back", catalog.ActionPublish, "", catalog.StatusActivate, 1},
			{"unknown action", "hide", loopshop.EINVALID, catalog.StatusActivate, 1},
			{"delete", catalog.ActionDelete, "", catalog.StatusDeleted, 0},
			{"publish the deleted", catalog.ActionPublish, loopshop.ECONFLICT, catalog.StatusDeleted, 0},
		}
		for _, st := range steps {
			got, err := e.catalog.SetProductStatus(ctx, owner, p.ID, st.action)
			wantCode(t, st.name, err, st.want)
			if err == nil && got.Status != st.status {
				t.Errorf("%s: status %s, want %s", st.name, got.Status, st.status)
			}
			if n := live(); n != st.live {
				t.Errorf("%s: %d live listings, want %d", st.name, n, st.live)
			}
		}
		if _, err := e.catalog.SetProductStatus(ctx, other, p.ID, catalog.ActionDelete); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("another shop's owner deleting: %v, want not found", err)
		}
		pg, err := e.catalog.SellerProducts(ctx, owner, shop.ID, "", page.Request{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 0 {
			t.Errorf("Seller Center still lists %d products after the delete", len(pg.Items))
		}
		// Each publish queued a review; the product is deleted, so the
		// jobs finish without touching it.
		if n := e.runJobs(); n != 2 {
			t.Errorf("ran %d review jobs, want 2", n)
		}
		if got, err := e.catalog.Product(ctx, owner, p.ID); err != nil || got.Status != catalog.StatusDeleted {
			t.Errorf("after the review jobs: %v %v; want it still DELETED", got, err)
		}
	})
}

package sqlstore_test

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

func TestFlaggedListingsWaitForStaffReview(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, first := seedSKU(t, r)
		held, err := cat.CreateProduct(ctx, seller, first.ShopID, catalog.NewProduct{Title: "Replica designer bag", Category: "bags",
			SKUs: []catalog.NewSKU{{Price: 5000}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if held.Status != catalog.StatusPending || held.AuditStatus != catalog.AuditPending || !strings.Contains(held.ReviewNote, `"replica"`) {
			t.Fatalf("flagged listing: status %s/%s, note %q; want PENDING/AUDITING naming the word", held.Status, held.AuditStatus, held.ReviewNote)
		}
		if _, err := cat.Product(ctx, nil, held.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a held listing is visible to the public: %v", err)
		}

		reviewer := &identity.Actor{AccountID: "acc_gb_reviewer", Market: "GB", StaffRoles: []identity.StaffRole{identity.RoleTrustSafety},
			ClearedMarkets: map[string]bool{"GB": true}}
		usReviewer := &identity.Actor{AccountID: "acc_us_reviewer", Market: "US", StaffRoles: []identity.StaffRole{identity.RoleTrustSafety},
			ClearedMarkets: map[string]bool{"US": true}}
		q, err := cat.ReviewQueue(ctx, reviewer, "GB", page.Request{Limit: 10})
		if err != nil || len(q.Items) != 1 || q.Items[0].ID != held.ID {
			t.Fatalf("GB queue = %v, %v; want the held listing", q.Items, err)
		}
		if _, err := cat.ReviewQueue(ctx, usReviewer, "GB", page.Request{Limit: 10}); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a reviewer not cleared for eu read the GB queue: %v", err)
		}
		if _, err := cat.ReviewQueue(ctx, seller, "GB", page.Request{Limit: 10}); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a seller read the review queue: %v", err)
		}
		if _, err := cat.Review(ctx, reviewer, held.ID, false, ""); loopshop.ErrorField(err) != "note" {
			t.Errorf("rejection without a note: %v", err)
		}
		if _, err := cat.Review(ctx, usReviewer, held.ID, true, ""); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("an uncleared reviewer decided a GB listing: %v", err)
		}
		failed, err := cat.Review(ctx, reviewer, held.ID, false, "Replicas of designer goods are not allowed.")
		if err != nil || failed.Status != catalog.StatusFailed || failed.AuditStatus != catalog.AuditRejected {
			t.Fatalf("reject: %+v, %v", failed, err)
		}
		if _, err := cat.Review(ctx, reviewer, held.ID, true, ""); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("deciding a listing twice: %v", err)
		}
		got, err := cat.Product(ctx, seller, held.ID)
		if err != nil || got.ReviewNote != "Replicas of designer goods are not allowed." {
			t.Errorf("the seller sees %+v, %v; want the reviewer's note", got, err)
		}
		if q, _ := cat.ReviewQueue(ctx, reviewer, "GB", page.Request{Limit: 10}); len(q.Items) != 0 {
			t.Errorf("queue after the decision: %d items, want 0", len(q.Items))
		}
	})
}

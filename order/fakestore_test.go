package order_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/shipping"
)

// fakeStore is an order store of one order, kept in memory: it records the
// moves the service hands it and applies them as a store would, from one
// of the statuses they expect. What the lifecycle does not call is left to
// the embedded nil interface, so calling it fails the test loudly.
type fakeStore struct {
	order.Store
	o     order.Order
	moves []order.Change
}

func (f *fakeStore) Order(_ context.Context, id string) (*order.Order, error) {
	if id != f.o.ID {
		return nil, loopshop.ErrNotFound
	}
	o := f.o
	return &o, nil
}

func (f *fakeStore) Move(_ context.Context, c order.Change) error {
	if !slices.Contains(c.From, f.o.Status) {
		return order.ErrChanged
	}
	f.moves = append(f.moves, c)
	f.o.Status = c.To
	return nil
}

// Dependencies the lifecycle never calls: nil interfaces that fail the
// test loudly if it does.
type (
	noAttribution struct{ order.Attribution }
	noCommissions struct{ order.Commissions }
	noFlash       struct{ order.Flash }
	noCoupons     struct{ order.Coupons }
	noCards       struct{ payment.Provider }
	noRates       struct{ shipping.Store }
)

// The order state machine as the service runs it, against a store that
// does nothing but apply: each cancel and delivery is decided in Go — the
// move from the status read to the one the machine gives, the stock given
// back, the refund queued for a paid order — or refused before the store
// is asked to write anything.
func TestLifecycleAgainstAFakeStore(t *testing.T) {
	paid := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	buyer := &identity.Actor{AccountID: "acc_gb_buyer", Market: "GB"}
	seller := &identity.Actor{AccountID: "acc_gb_seller", Market: "GB", Shops: map[string]identity.ShopRole{"shp_gb_tea": identity.ShopOwner}}
	stranger := &identity.Actor{AccountID: "acc_gb_other", Market: "GB"}
	for _, c := range []struct {
		name    string
		status  string
		paidAt  *time.Time
		actor   *identity.Actor
		do      string // cancel or deliver
		want    string // the status moved to; "" when refused
		code    string // the refusal's kind
		release bool
		jobs    int
	}{
		{"the buyer cancels an unpaid order", order.StatusUnpaid, nil, buyer, "cancel", order.StatusCancelled, "", true, 0},
		{"the buyer cancels on hold: a refund is queued", order.StatusOnHold, &paid, buyer, "cancel", order.StatusCancelled, "", true, 1},
		{"the buyer cannot cancel once it awaits shipment", order.StatusAwaitingShipment, &paid, buyer, "cancel", "", loopshop.ECONFLICT, false, 0},
		{"the seller can", order.StatusAwaitingShipment, &paid, seller, "cancel", order.StatusCancelled, "", true, 1},
		{"nobody cancels what is in transit", order.StatusInTransit, &paid, seller, "cancel", "", loopshop.ECONFLICT, false, 0},
		{"a stranger cannot cancel", order.StatusOnHold, &paid, stranger, "cancel", "", loopshop.ENOTFOUND, false, 0},
		{"the seller delivers what is in transit", order.StatusInTransit, &paid, seller, "deliver", order.StatusDelivered, "", false, 1},
		{"nor delivers what has not shipped", order.StatusAwaitingShipment, &paid, seller, "deliver", "", loopshop.ECONFLICT, false, 0},
		{"the buyer does not deliver", order.StatusInTransit, &paid, buyer, "deliver", "", loopshop.EFORBIDDEN, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			gbp := money.New(1200, "GBP")
			st := &fakeStore{o: order.Order{ID: "ord_gb_1", Market: "GB", ShopID: "shp_gb_tea", BuyerID: buyer.AccountID, Status: c.status,
				PaymentMethod: payment.MethodCard, PaidAt: c.paidAt, Subtotal: gbp, Total: gbp}}
			markets, err := market.NewSet(market.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			svc, err := order.NewService(order.Deps{Store: st, Markets: markets, Rates: noRates{}, Cards: noCards{},
				Attribution: noAttribution{}, Commissions: noCommissions{}, Flash: noFlash{}, Coupons: noCoupons{}})
			if err != nil {
				t.Fatal(err)
			}
			if c.do == "cancel" {
				_, err = svc.Cancel(ctx, c.actor, "ord_gb_1", "changed my mind")
			} else {
				_, err = svc.Deliver(ctx, c.actor, "ord_gb_1")
			}
			if c.want == "" {
				if loopshop.ErrorCode(err) != c.code || len(st.moves) != 0 {
					t.Fatalf("%v and %d moves; want a %s refusal and nothing written", err, len(st.moves), c.code)
				}
				return
			}
			if err != nil || len(st.moves) != 1 {
				t.Fatalf("%v and %d moves; want one move", err, len(st.moves))
			}
			m := st.moves[0]
			if !slices.Equal(m.From, []string{c.status}) || m.To != c.want || m.ReleaseStock != c.release || len(m.Jobs) != c.jobs {
				t.Errorf("move %v → %s, release %v, %d jobs; want %s → %s, release %v, %d jobs", m.From, m.To, m.ReleaseStock, len(m.Jobs),
					c.status, c.want, c.release, c.jobs)
			}
		})
	}
}

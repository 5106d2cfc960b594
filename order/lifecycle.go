package order

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
)

// Background jobs of orders. Each is idempotent: it moves an order only
// from the status it expects, and ledger postings carry unique keys.
const (
	JobExpireCheckout = "checkout.expire"
	JobEndHold        = "order.end_hold"
	JobComplete       = "order.complete"
	JobRefund         = "order.refund"
)

// RegisterJobs makes r run the order jobs.
func (s *Service) RegisterJobs(r *jobs.Runner, books ledger.Store) {
	handle := func(kind string, fn func(ctx context.Context, id string) error) {
		r.Handle(kind, func(ctx context.Context, j *jobs.Job) error {
			var in ref
			if err := j.Decode(&in); err != nil || in.ID == "" {
				return jobs.Permanent(fmt.Errorf("%s job %s: bad payload %s", kind, j.ID, j.Payload))
			}
			return fn(ctx, in.ID)
		})
	}
	handle(JobExpireCheckout, s.expire)
	handle(JobEndHold, s.endHold)
	handle(JobComplete, s.complete)
	handle(JobRefund, func(ctx context.Context, id string) error { return s.refund(ctx, books, id) })
	handle(JobPartialRefund, func(ctx context.Context, id string) error { return s.partialRefund(ctx, books, id) })
}

// expire cancels a checkout whose payment never came and lets its stock go.
func (s *Service) expire(ctx context.Context, id string) error {
	c, err := s.store.Checkout(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil
	}
	if err != nil || c.Status != CheckoutPending {
		return err
	}
	_, err = s.settlePayment(ctx, c, Payment{Status: CheckoutExpired, Message: expiredMessage})
	return err
}

// endHold ends the buyer-remorse window: the seller may ship.
func (s *Service) endHold(ctx context.Context, id string) error {
	err := s.store.Move(ctx, Change{OrderID: id, From: from(EventHoldEnded), To: to[EventHoldEnded], At: s.now()})
	if errors.Is(err, ErrChanged) || errors.Is(err, loopshop.ErrNotFound) {
		return nil // cancelled in the window
	}
	return err
}

// complete closes a delivered order after its return window and settles
// its money: tax, the platform's commission and the payment fee are
// taken, and the rest becomes the seller's payable.
func (s *Service) complete(ctx context.Context, id string) error {
	o, err := s.store.Order(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil
	}
	if err != nil || o.Status != StatusDelivered {
		return err
	}
	now := s.now()
	if o.RefundPending {
		// Settle what is left once the refund is paid and booked: the job
		// runs again after its back-off.
		return fmt.Errorf("order %s has a refund in progress; settling after it", o.ID)
	}
	settle, err := ledger.Settled(settlement(o, now))
	if err != nil {
		return jobs.Permanent(fmt.Errorf("settle %s: %w", o.ID, err))
	}
	err = s.store.Move(ctx, Change{OrderID: o.ID, From: from(EventCompleted), To: to[EventCompleted], At: now, Ledger: []*ledger.Transaction{settle}})
	if errors.Is(err, ErrChanged) {
		return nil
	}
	return err
}

// refund returns a cancelled order's payment through its provider, then
// books it. The provider call is idempotent by the refund's key, so a
// retried job refunds once.
func (s *Service) refund(ctx context.Context, books ledger.Store, id string) error {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return err
	}
	c, err := s.store.Checkout(ctx, o.CheckoutID)
	if err != nil {
		return err
	}
	if o.Status != StatusCancelled || c.Status != CheckoutPaid {
		return nil
	}
	key := "refund:" + o.ID
	if o.RefundPending {
		return fmt.Errorf("order %s has a partial refund in progress; refunding the rest after it", o.ID)
	}
	// What is left after any partial refunds goes back.
	left := o.Total.Amount - o.Refunded.Amount
	if left <= 0 {
		return nil
	}
	rf, err := s.provider(c.PaymentMethod).Refund(ctx, payment.RefundRequest{Key: key, ChargeID: c.ChargeID, Amount: money.New(left, o.Total.Currency)})
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINVALID {
			return jobs.Permanent(err)
		}
		return err
	}
	if rf.Status == payment.StatusFailed {
		return jobs.Permanent(fmt.Errorf("refund of %s failed at %s: %s", o.ID, c.Provider, rf.Message))
	}
	// The creators' pending commission goes with the money: what is left
	// of it, for a refund of the rest. Each transaction has its own key,
	// so a retry books what is missing and nothing twice.
	txs, err := refundTransactions(o, key, c.Provider, o.Refunded.Amount, left, s.now())
	if err != nil {
		return jobs.Permanent(err)
	}
	for _, t := range txs {
		if _, err := books.Post(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// Order returns an order to its buyer, its shop's staff, or staff allowed
// to read orders in its market.
func (s *Service) Order(ctx context.Context, actor *identity.Actor, id string) (*Order, error) {
	o, err := s.order(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermOrderRead, identity.Resource{Kind: "order", Market: o.Market, OwnerID: o.BuyerID, ShopID: o.ShopID}); err != nil {
		return nil, err
	}
	return o, nil
}

// CheckoutFor returns a checkout to its buyer; to anyone else it does not
// exist.
func (s *Service) CheckoutFor(ctx context.Context, actor *identity.Actor, id string) (*Checkout, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your checkouts")
	}
	c, err := s.store.Checkout(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) || err == nil && c.BuyerID != actor.AccountID {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "checkout %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("checkout %s: %w", id, err)
	}
	return c, nil
}

// BuyerOrders lists the actor's orders, newest first.
func (s *Service) BuyerOrders(ctx context.Context, actor *identity.Actor, r page.Request) (page.Page[*Order], error) {
	if actor == nil || actor.AccountID == "" {
		return page.Page[*Order]{}, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your orders")
	}
	items, err := s.store.OrdersOfBuyer(ctx, actor.AccountID, r)
	if err != nil {
		return page.Page[*Order]{}, fmt.Errorf("orders: %w", err)
	}
	return page.Make(items, r, func(o *Order) string { return o.ID }), nil
}

// ShopOrders lists a shop's orders, newest first, of one status or all.
func (s *Service) ShopOrders(ctx context.Context, actor *identity.Actor, shopID, market, status string, r page.Request) (page.Page[*Order], error) {
	if err := actor.Can(identity.PermOrderRead, identity.Resource{Kind: "shop", Market: market, ShopID: shopID}); err != nil {
		return page.Page[*Order]{}, err
	}
	if _, ok := to[statusEvent(status)]; status != "" && !ok && status != StatusUnpaid {
		return page.Page[*Order]{}, loopshop.Invalid("status", "unknown order status %q", status)
	}
	items, err := s.store.OrdersOfShop(ctx, shopID, status, r)
	if err != nil {
		return page.Page[*Order]{}, fmt.Errorf("shop orders: %w", err)
	}
	return page.Make(items, r, func(o *Order) string { return o.ID }), nil
}

// statusEvent returns the event leading to status, for validating a
// status filter.
func statusEvent(status string) string {
	for e, st := range to {
		if st == status {
			return e
		}
	}
	return ""
}

// Cancel cancels an order: its buyer may while it is unpaid or on hold,
// its seller until it ships. The stock goes back on sale and a paid order
// is refunded in full by a background job.
func (s *Service) Cancel(ctx context.Context, actor *identity.Actor, id, reason string) (*Order, error) {
	o, err := s.order(ctx, id)
	if err != nil {
		return nil, err
	}
	by := BySeller
	if actor != nil && actor.AccountID == o.BuyerID {
		by = ByBuyer
	} else if err := actor.Can(identity.PermOrderWrite, identity.Resource{Kind: "order", Market: o.Market, ShopID: o.ShopID}); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, loopshop.Invalid("reason", "say why the order is cancelled; the other side reads it")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return nil, loopshop.Invalid("reason", "a reason has at most 500 characters")
	}
	next, err := Next(o.Status, EventCancelled, by)
	if err != nil {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "%s", err)
	}
	c := Change{OrderID: o.ID, From: []string{o.Status}, To: next, At: s.now(), CancelReason: reason, CancelledBy: by, ReleaseStock: true}
	if o.PaidAt != nil {
		j, err := jobs.New(JobRefund, o.Market, ref{ID: o.ID}, c.At, JobRefund+":"+o.ID)
		if err != nil {
			return nil, err
		}
		c.Jobs = append(c.Jobs, j)
	}
	return s.apply(ctx, o, c)
}

// Shipment is a seller's word that parcels left.
type Shipment struct {
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
	// Lines shipped; empty ships every line not shipped yet.
	Lines []int `json:"lines,omitempty"`
}

var trackingRE = regexp.MustCompile(`^[A-Za-z0-9-]{4,40}$`)

// Ship records that the seller shipped some or all of an order's lines
// with a tracking number: all shipped, the order is IN_TRANSIT, else
// PARTIALLY_SHIPPING.
func (s *Service) Ship(ctx context.Context, actor *identity.Actor, id string, in Shipment) (*Order, error) {
	o, err := s.sellerOrder(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !trackingRE.MatchString(in.TrackingNumber) {
		return nil, loopshop.Invalid("tracking_number", "a tracking number has 4 to 40 letters, digits and dashes")
	}
	in.Carrier = strings.TrimSpace(in.Carrier)
	if in.Carrier == "" || utf8.RuneCountInString(in.Carrier) > 60 {
		return nil, loopshop.Invalid("carrier", "name the carrier (at most 60 characters), e.g. Royal Mail")
	}
	lines := in.Lines
	if len(lines) == 0 {
		for _, l := range o.Lines {
			if !l.Shipped {
				lines = append(lines, l.No)
			}
		}
	}
	shipped := map[int]bool{}
	for _, l := range o.Lines {
		shipped[l.No] = l.Shipped
	}
	for i, n := range lines {
		done, ok := shipped[n]
		if !ok {
			return nil, loopshop.Invalid(fmt.Sprintf("lines[%d]", i), "the order has no line %d", n)
		}
		if done {
			return nil, loopshop.Invalid(fmt.Sprintf("lines[%d]", i), "line %d has shipped already", n)
		}
		shipped[n] = true
	}
	event := EventShipped
	for _, done := range shipped {
		if !done {
			event = EventShipPart
		}
	}
	next, err := Next(o.Status, event, BySeller)
	if err != nil {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "%s", err)
	}
	return s.apply(ctx, o, Change{OrderID: o.ID, From: []string{o.Status}, To: next, At: s.now(), Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, ShipLines: lines})
}

// Deliver records delivery. Cash on delivery is collected now, and the
// order completes after the return window.
func (s *Service) Deliver(ctx context.Context, actor *identity.Actor, id string) (*Order, error) {
	o, err := s.sellerOrder(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	next, err := Next(o.Status, EventDelivered, BySeller)
	if err != nil {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "%s", err)
	}
	c := Change{OrderID: o.ID, From: []string{o.Status}, To: next, At: s.now()}
	if o.PaymentMethod == payment.MethodCOD {
		t, err := ledger.Paid(ledger.Payment{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, Provider: s.cod.Name(), Amount: o.Total.Amount, At: c.At})
		if err != nil {
			return nil, err
		}
		cs, err := commissionPending(o, c.At)
		if err != nil {
			return nil, err
		}
		c.Ledger = append(append(c.Ledger, t), cs...)
	}
	j, err := jobs.New(JobComplete, o.Market, ref{ID: o.ID}, c.At.Add(s.ReturnWindow), JobComplete+":"+o.ID)
	if err != nil {
		return nil, err
	}
	c.Jobs = append(c.Jobs, j)
	return s.apply(ctx, o, c)
}

func (s *Service) apply(ctx context.Context, o *Order, c Change) (*Order, error) {
	err := s.store.Move(ctx, c)
	if errors.Is(err, ErrChanged) {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "order %s changed while you were looking at it; reload it and try again", o.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", o.ID, err)
	}
	return s.store.Order(ctx, o.ID)
}

func (s *Service) order(ctx context.Context, id string) (*Order, error) {
	o, err := s.store.Order(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "order %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", id, err)
	}
	return o, nil
}

// sellerOrder loads an order for its shop's staff with order.write: the
// buyer owns the order but does not ship it.
func (s *Service) sellerOrder(ctx context.Context, actor *identity.Actor, id string) (*Order, error) {
	o, err := s.order(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor != nil && actor.AccountID == o.BuyerID {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only the shop ships and delivers order %s", o.ID)
	}
	if err := actor.Can(identity.PermOrderWrite, identity.Resource{Kind: "order", Market: o.Market, ShopID: o.ShopID}); err != nil {
		return nil, err
	}
	return o, nil
}

package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/payment"
)

// RefundFinish is the end of a refund's wait for its provider.
type RefundFinish struct {
	ID       string
	From, To string
	At       time.Time
	// GiveBack takes the refund's amount off the order's refunded total.
	GiveBack bool
}

// Refund statuses.
const (
	RefundPending = "PENDING" // promised; the provider has not paid it yet
	RefundDone    = "DONE"
	RefundFailed  = "FAILED"
)

// JobPartialRefund pays out and books a partial refund.
const JobPartialRefund = "order.partial_refund"

// Refund is part of a paid order given back to its buyer before the order
// completes: an item missing from the parcel, a goodwill gesture.
type Refund struct {
	ID      string      `json:"id"`
	OrderID string      `json:"order_id"`
	Market  string      `json:"market"`
	Amount  money.Money `json:"amount"`
	// Prior is what had been refunded of the order before this refund.
	Prior  int64      `json:"-"`
	Reason string     `json:"reason"`
	Status string     `json:"status"`
	At     time.Time  `json:"created_at"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// RefundStore keeps partial refunds.
type RefundStore interface {
	// AddRefund raises the order's refunded amount by rf.Amount if the
	// order is paid, in one of statuses, and the refunds stay within its
	// total (ErrChanged otherwise); it sets rf.Prior, stores rf and
	// enqueues the jobs, atomically.
	AddRefund(ctx context.Context, rf *Refund, statuses []string, js ...*jobs.Job) error
	Refund(ctx context.Context, id string) (*Refund, error)
	// FinishRefund applies f: the refund moves from f.From to f.To,
	// and with f.GiveBack its amount is taken off what the order counts
	// as refunded. Nothing happens if the refund is no longer f.From.
	FinishRefund(ctx context.Context, f RefundFinish) error
}

// refundable are the statuses in which a paid order may be refunded in
// part: after payment and before it completes and settles.
var refundable = []string{StatusOnHold, StatusAwaitingShipment, StatusAwaitingCollection, StatusPartiallyShipping, StatusInTransit, StatusDelivered}

// RefundPart gives amount of a paid order back to its buyer: its shop's
// staff or support staff may, until the order completes. The buyer's money
// goes back through the provider in a job; the ledger books it then, with
// the creators' share of the commission reversed in proportion. key makes
// the request idempotent: the same key refunds once.
func (s *Service) RefundPart(ctx context.Context, actor *identity.Actor, id, key string, amount int64, reason string) (*Refund, error) {
	o, err := s.sellerOrder(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if key == "" || len(key) > 200 {
		return nil, loopshop.Invalid("Idempotency-Key", "a refund needs an Idempotency-Key header of 1 to 200 characters; repeat it to retry safely")
	}
	rf := &Refund{ID: loopshop.DerivedID("rfd", o.Market, o.ID, key), OrderID: o.ID, Market: o.Market, Amount: money.New(amount, o.Total.Currency),
		Reason: strings.TrimSpace(reason), Status: RefundPending, At: s.now()}
	if prev, err := s.store.Refund(ctx, rf.ID); err == nil {
		if prev.Amount.Amount != amount {
			return nil, loopshop.Errorf(loopshop.EUNPROCESSABLE, "Idempotency-Key %q was used for a refund of %s; use a new key for another refund", key, prev.Amount)
		}
		return prev, nil
	}
	left := o.Total.Amount - o.Refunded.Amount
	switch {
	case o.PaidAt == nil:
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "order %s is not paid yet (cash on delivery is paid at delivery); cancel it instead", o.ID)
	case amount < 1 || amount > left:
		return nil, loopshop.Invalid("amount", "a refund is 1 to %d (what is left of the order's %s), in minor units", left, o.Total)
	case rf.Reason == "" || utf8.RuneCountInString(rf.Reason) > 500:
		return nil, loopshop.Invalid("reason", "say why, in up to 500 characters; the buyer reads it")
	}
	j, err := jobs.New(JobPartialRefund, o.Market, ref{ID: rf.ID}, rf.At, JobPartialRefund+":"+rf.ID)
	if err != nil {
		return nil, err
	}
	if err := s.store.AddRefund(ctx, rf, refundable, j); err != nil {
		if errors.Is(err, ErrChanged) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "order %s can no longer be refunded that much: it completed, was cancelled or refunded meanwhile; reload it", o.ID)
		}
		return nil, fmt.Errorf("refund %s: %w", o.ID, err)
	}
	return rf, nil
}

// partialRefund pays a refund back through the order's provider, then
// books it and the creators' share. The provider call and each ledger
// transaction carry the refund's ID, so a retried job refunds and books
// once.
func (s *Service) partialRefund(ctx context.Context, books ledger.Store, id string) error {
	rf, err := s.store.Refund(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil
	}
	if err != nil || rf.Status != RefundPending {
		return err
	}
	o, err := s.store.Order(ctx, rf.OrderID)
	if err != nil {
		return err
	}
	c, err := s.store.Checkout(ctx, o.CheckoutID)
	if err != nil {
		return err
	}
	provider := c.Provider
	if c.PaymentMethod == payment.MethodCOD {
		provider = s.cod.Name()
	} else {
		res, err := s.provider(c.PaymentMethod).Refund(ctx, payment.RefundRequest{Key: rf.ID, ChargeID: c.ChargeID, Amount: rf.Amount})
		if err != nil {
			if loopshop.ErrorCode(err) == loopshop.EINVALID {
				return s.failRefund(ctx, rf, err)
			}
			return err
		}
		if res.Status == payment.StatusFailed {
			return s.failRefund(ctx, rf, fmt.Errorf("refund %s failed at %s: %s", rf.ID, c.Provider, res.Message))
		}
	}
	now := s.now()
	txs, err := refundTransactions(o, rf.ID, provider, rf.Prior, rf.Amount.Amount, now)
	if err != nil {
		return jobs.Permanent(err)
	}
	for _, t := range txs {
		if _, err := books.Post(ctx, t); err != nil {
			return err
		}
	}
	return s.store.FinishRefund(ctx, RefundFinish{ID: rf.ID, From: RefundPending, To: RefundDone, At: now})
}

func (s *Service) failRefund(ctx context.Context, rf *Refund, cause error) error {
	// A refund the provider refused gives nothing back: the order may be
	// refunded that much again.
	if err := s.store.FinishRefund(ctx, RefundFinish{ID: rf.ID, From: RefundPending, To: RefundFailed, At: s.now(), GiveBack: true}); err != nil {
		return err
	}
	return jobs.Permanent(cause)
}

// refundTransactions books a refund of amount of an order of which prior
// had been refunded before: the money back to the buyer, and the creators'
// share of it taken back, prorated on the cumulative refunds so that
// several partial refunds reverse exactly what one refund of their sum
// would.
func refundTransactions(o *Order, refundID, provider string, prior, amount int64, at time.Time) ([]*ledger.Transaction, error) {
	t, err := ledger.Refunded(ledger.Refund{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, RefundID: refundID,
		Provider: provider, Amount: amount, At: at})
	if err != nil {
		return nil, err
	}
	out := []*ledger.Transaction{t}
	for _, c := range o.CreatorCommissions() {
		due := ledger.Prorate(c.Amount, prior+amount, o.Total.Amount) - ledger.Prorate(c.Amount, prior, o.Total.Amount)
		if due <= 0 {
			continue
		}
		r, err := ledger.CommissionReversed(ledger.CommissionReversal{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, RefundID: refundID,
			CreatorID: c.CreatorID, Amount: due, At: at})
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// settlement is what an order's completion books: what its clearing
// account still holds after refunds, divided in proportion to what was
// kept — tax, the platform's commission and the creators' share shrink
// with the refunds; the payment fee, charged on the payment, does not.
func settlement(o *Order, at time.Time) ledger.Settlement {
	kept := func(n int64) int64 { return n - ledger.Prorate(n, o.Refunded.Amount, max(o.Total.Amount, 1)) }
	st := ledger.Settlement{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, ShopID: o.ShopID,
		Held: o.Total.Amount - o.Refunded.Amount, Tax: kept(o.Tax.Amount), Commission: kept(o.Commission.Amount), PaymentFee: o.PaymentFee.Amount, At: at}
	for _, c := range o.CreatorCommissions() {
		if n := kept(c.Amount); n > 0 {
			st.Creators = append(st.Creators, ledger.CreatorCommission{CreatorID: c.CreatorID, Amount: n})
		}
	}
	return st
}

// Package payout pays shops and creators what the ledger says they are owed, and lets
// finance staff hold a shop's money while a case is looked into (seller
// health) and release it after.
//
// The ledger is the only record: a shop's available balance is the credit
// on its payable account, money on hold sits in its hold account, and a
// payout or a hold beyond what is there is refused by the ledger store in
// the same statement that books it, so two payouts racing for the same
// money cannot both succeed.
package payout

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// Provider is the name payouts are booked through until a real bank
// transfer provider is plugged in.
const Provider = "bank"

// Balance is what a shop is owed.
type Balance struct {
	ShopID string `json:"shop_id"`
	// Available may be paid out; Held is owed but held by loopshop.
	Available money.Money `json:"available"`
	Held      money.Money `json:"held"`
}

// Payout is money sent to a shop or a creator.
type Payout struct {
	ID        string      `json:"id"`
	ShopID    string      `json:"shop_id,omitempty"`
	CreatorID string      `json:"creator_id,omitempty"`
	Amount    money.Money `json:"amount"`
	At        time.Time   `json:"at"`
}

// Service pays shops out.
type Service struct {
	books   ledger.Store
	markets *market.Set
	now     func() time.Time
}

// NewService returns the payout service over the books.
func NewService(books ledger.Store, markets *market.Set) *Service {
	return &Service{books: books, markets: markets, now: identity.Now}
}

// Shop is what payouts need to know of a shop.
type Shop struct {
	ID, Market string
}

// Balance returns the shop's balance to those who may read its finances.
func (s *Service) Balance(ctx context.Context, actor *identity.Actor, shop Shop) (*Balance, error) {
	if err := actor.Can(identity.PermFinanceRead, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	return s.balance(ctx, shop)
}

func (s *Service) balance(ctx context.Context, shop Shop) (*Balance, error) {
	avail, err := s.books.Balance(ctx, shop.Market, ledger.SellerPayable(shop.ID))
	if err != nil {
		return nil, fmt.Errorf("balance of %s: %w", shop.ID, err)
	}
	held, err := s.books.Balance(ctx, shop.Market, ledger.SellerHold(shop.ID))
	if err != nil {
		return nil, fmt.Errorf("balance of %s: %w", shop.ID, err)
	}
	m, err := s.markets.Get(shop.Market)
	if err != nil {
		return nil, err
	}
	// Owed accounts carry credits: the shop is owed minus the balance.
	return &Balance{ShopID: shop.ID, Available: money.New(-avail.Amount, m.Currency), Held: money.New(-held.Amount, m.Currency)}, nil
}

// Pay pays amount (minor units; 0: everything available) out to the
// shop's owner. key makes it idempotent: the same key pays once.
func (s *Service) Pay(ctx context.Context, actor *identity.Actor, shop Shop, key string, amount int64) (*Payout, error) {
	if err := actor.Can(identity.PermPayout, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	if key == "" || len(key) > 200 {
		return nil, loopshop.Invalid("Idempotency-Key", "a payout needs an Idempotency-Key header of 1 to 200 characters; repeat it to retry safely")
	}
	b, err := s.balance(ctx, shop)
	if err != nil {
		return nil, err
	}
	if amount < 0 {
		return nil, loopshop.Invalid("amount", "amount must be positive, or 0 to pay out everything available")
	}
	if amount == 0 {
		amount = b.Available.Amount
	}
	if amount == 0 {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "nothing to pay out: orders pay the shop once they complete, after their return window")
	}
	p, err := s.pay(ctx, shop.Market, ledger.SellerPayable(shop.ID), "pyo:"+shop.ID+":"+key, amount, b.Available.Currency)
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.ECONFLICT {
			if now, berr := s.balance(ctx, shop); berr == nil && now.Available.Amount < amount {
				return nil, loopshop.Errorf(loopshop.ECONFLICT, "%s is available to pay out, less than %s; money on hold, and from orders not yet completed, cannot be paid",
					now.Available, money.New(amount, now.Available.Currency))
			}
		}
		return nil, err
	}
	p.ShopID = shop.ID
	return p, nil
}

// pay books a payout of amount from a payable account. The ledger
// refuses an overdraft, and answers a replayed ID with the payout it
// booked first.
func (s *Service) pay(ctx context.Context, market, from, id string, amount int64, currency string) (*Payout, error) {
	now := s.now()
	p := &Payout{ID: id, Amount: money.New(amount, currency), At: now}
	t, err := ledger.PaidOut(ledger.Payout{Market: market, Currency: currency, PayoutID: p.ID, From: from, Provider: Provider, Amount: amount, At: now})
	if err != nil {
		return nil, err
	}
	if _, err := s.books.Post(ctx, t); err != nil {
		if loopshop.ErrorCode(err) == loopshop.ECONFLICT {
			return nil, err
		}
		return nil, fmt.Errorf("payout: %w", err)
	}
	return p, nil
}

// Earnings is what a creator has earned in commission: Pending on orders
// not yet completed (a refund can still take it back), Available once
// they have.
type Earnings struct {
	CreatorID string      `json:"creator_id"`
	Pending   money.Money `json:"pending"`
	Available money.Money `json:"available"`
}

// Earnings returns a creator's earnings to the creator, or to finance
// staff cleared for its market.
func (s *Service) Earnings(ctx context.Context, actor *identity.Actor, creatorID string) (*Earnings, error) {
	mk, ok := loopshop.MarketOf(creatorID)
	if !ok {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "creator not found")
	}
	if err := actor.Can(identity.PermFinanceRead, identity.Resource{Kind: "creator", Market: mk, OwnerID: creatorID}); err != nil {
		return nil, err
	}
	return s.earnings(ctx, mk, creatorID)
}

func (s *Service) earnings(ctx context.Context, market, creatorID string) (*Earnings, error) {
	m, err := s.markets.Get(market)
	if err != nil {
		return nil, err
	}
	pending, err := s.books.Balance(ctx, market, ledger.CreatorPending(creatorID))
	if err != nil {
		return nil, fmt.Errorf("earnings of %s: %w", creatorID, err)
	}
	avail, err := s.books.Balance(ctx, market, ledger.CreatorPayable(creatorID))
	if err != nil {
		return nil, fmt.Errorf("earnings of %s: %w", creatorID, err)
	}
	return &Earnings{CreatorID: creatorID, Pending: money.New(-pending.Amount, m.Currency), Available: money.New(-avail.Amount, m.Currency)}, nil
}

// PayCreator pays amount (0: everything available) of the actor's own
// commission out to it. key makes it idempotent.
func (s *Service) PayCreator(ctx context.Context, actor *identity.Actor, key string, amount int64) (*Payout, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to be paid")
	}
	if key == "" || len(key) > 200 {
		return nil, loopshop.Invalid("Idempotency-Key", "a payout needs an Idempotency-Key header of 1 to 200 characters; repeat it to retry safely")
	}
	if amount < 0 {
		return nil, loopshop.Invalid("amount", "amount must be positive, or 0 to pay out everything available")
	}
	e, err := s.earnings(ctx, actor.Market, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if amount == 0 {
		amount = e.Available.Amount
	}
	if amount == 0 {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "nothing to pay out yet: commission becomes available when the order completes, after its return window")
	}
	p, err := s.pay(ctx, actor.Market, ledger.CreatorPayable(actor.AccountID), "pyo:"+actor.AccountID+":"+key, amount, e.Available.Currency)
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.ECONFLICT {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "%s is available to pay out, less than %s", e.Available, money.New(amount, e.Available.Currency))
		}
		return nil, err
	}
	p.CreatorID = actor.AccountID
	return p, nil
}

// Hold moves amount of a shop's available money on hold; Release gives it
// back. Only finance staff cleared for the shop's market may. id names
// the hold, and makes each call idempotent.
func (s *Service) Hold(ctx context.Context, actor *identity.Actor, shop Shop, id string, amount int64, reason string) (*Balance, error) {
	return s.hold(ctx, actor, shop, id, amount, reason, ledger.Held)
}

// Release gives back money held by the hold id.
func (s *Service) Release(ctx context.Context, actor *identity.Actor, shop Shop, id string, amount int64, reason string) (*Balance, error) {
	return s.hold(ctx, actor, shop, id, amount, reason, ledger.Released)
}

func (s *Service) hold(ctx context.Context, actor *identity.Actor, shop Shop, id string, amount int64, reason string, book func(ledger.Hold) (*ledger.Transaction, error)) (*Balance, error) {
	if err := actor.Can(identity.PermPaymentHold, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, loopshop.Invalid("reason", "give the reason, which the seller reads (at most 500 characters)")
	}
	if id == "" || len(id) > 100 {
		return nil, loopshop.Invalid("hold_id", "name the hold (1 to 100 characters), e.g. the case number")
	}
	if amount <= 0 {
		return nil, loopshop.Invalid("amount", "amount must be positive, in minor units")
	}
	m, err := s.markets.Get(shop.Market)
	if err != nil {
		return nil, err
	}
	t, err := book(ledger.Hold{Market: shop.Market, Currency: m.Currency, HoldID: shop.ID + ":" + id, ShopID: shop.ID, Amount: amount, At: s.now()})
	if err != nil {
		return nil, err
	}
	t.Memo += ": " + reason
	if _, err := s.books.Post(ctx, t); err != nil {
		if loopshop.ErrorCode(err) == loopshop.ECONFLICT {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "the shop does not have %s to move: %s", money.New(amount, m.Currency), loopshop.ErrorMessage(err))
		}
		return nil, fmt.Errorf("hold: %w", err)
	}
	return s.balance(ctx, shop)
}

package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/money"
)

// EventCoupon hands a coupon out to a room.
const EventCoupon = "coupon"

// Coupon is an amount off the host shop's order that a host hands out in a
// live room: Quantity viewers may claim it, each once, and use it on one
// order of at least MinSpend before ExpiresAt. The shop funds it.
type Coupon struct {
	ID        string      `json:"id"`
	RoomID    string      `json:"room_id"`
	Market    string      `json:"market"`
	ShopID    string      `json:"shop_id"`
	AmountOff money.Money `json:"amount_off"`
	MinSpend  money.Money `json:"min_spend"`
	Quantity  int64       `json:"quantity"`
	Claimed   int64       `json:"claimed"`
	ExpiresAt time.Time   `json:"expires_at"`
	CreatedAt time.Time   `json:"created_at"`
}

// ClaimedCoupon is a coupon a buyer claimed, with the name of the shop it
// takes money off, for the buyer to choose it at checkout.
type ClaimedCoupon struct {
	Coupon
	ShopName string `json:"shop_name"`
}

// MaxClaimed is the most claimed coupons a buyer is offered at checkout:
// those expiring soonest.
const MaxClaimed = 50

// NewCoupon is a coupon as the host hands it out.
type NewCoupon struct {
	AmountOff int64 `json:"amount_off"` // minor units
	MinSpend  int64 `json:"min_spend"`
	Quantity  int64 `json:"quantity"`
	// Hours is how long a claimed coupon stays usable, 1 to 168.
	Hours int `json:"hours"`
}

// CouponStore keeps coupons and their claims.
type CouponStore interface {
	CreateCoupon(ctx context.Context, c *Coupon) error
	Coupon(ctx context.Context, id string) (*Coupon, error)
	// ClaimCoupon claims the coupon for the buyer if it is not all
	// claimed nor expired at now: ErrChanged otherwise, and
	// loopshop.ErrAlreadyExists if the buyer has claimed it before.
	ClaimCoupon(ctx context.Context, couponID, buyerID string, now time.Time) error
	// Unused reports whether the buyer claimed the coupon and has not
	// used it on an order.
	Unused(ctx context.Context, couponID, buyerID string) (bool, error)
	// ClaimedCoupons lists the coupons of a market that the buyer claimed
	// and has not used, expiring after now, soonest to expire first.
	ClaimedCoupons(ctx context.Context, market, buyerID string, now time.Time, limit int) ([]*ClaimedCoupon, error)
	// RoomCoupons lists a room's coupons expiring after expiresAfter,
	// newest first, each marked ViewerClaimed if viewerID (empty: no one)
	// claimed it.
	RoomCoupons(ctx context.Context, roomID, viewerID string, expiresAfter time.Time, limit int) ([]*OfferedCoupon, error)
}

// StartCoupon hands a coupon out to the room's viewers (the host of a
// shop's room, while live).
func (s *Service) StartCoupon(ctx context.Context, actor *identity.Actor, roomID string, in NewCoupon) (*Coupon, error) {
	r, err := s.hosted(ctx, actor, roomID)
	if err != nil {
		return nil, err
	}
	if r.ShopID == "" {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "coupons are the shop's to give; a creator's room has none")
	}
	if r.Status != Live {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "hand coupons out while the room is live; it is %s", r.Status)
	}
	m, err := s.markets.Get(r.Market)
	if err != nil {
		return nil, err
	}
	switch {
	case in.AmountOff < 1:
		return nil, loopshop.Invalid("amount_off", "a coupon takes a positive amount off, in minor units")
	case in.MinSpend < 0:
		return nil, loopshop.Invalid("min_spend", "the minimum spend is 0 or more")
	case in.Quantity < 1 || in.Quantity > 100000:
		return nil, loopshop.Invalid("quantity", "hand out 1 to 100000 coupons")
	case in.Hours < 1 || in.Hours > 168:
		return nil, loopshop.Invalid("hours", "a coupon stays usable 1 to 168 hours")
	}
	now := s.now()
	c := &Coupon{ID: loopshop.NewID("cpn", r.Market), RoomID: r.ID, Market: r.Market, ShopID: r.ShopID, AmountOff: money.New(in.AmountOff, m.Currency),
		MinSpend: money.New(in.MinSpend, m.Currency), Quantity: in.Quantity, ExpiresAt: now.Add(time.Duration(in.Hours) * time.Hour), CreatedAt: now}
	if err := s.store.CreateCoupon(ctx, c); err != nil {
		return nil, err
	}
	return c, s.hub.Publish(ctx, Event{Type: EventCoupon, RoomID: r.ID, At: now, Coupon: c})
}

// ClaimCoupon claims a coupon for the actor, once, while any are left.
func (s *Service) ClaimCoupon(ctx context.Context, actor *identity.Actor, couponID string) (*Coupon, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to claim coupons")
	}
	c, err := s.store.Coupon(ctx, couponID)
	if err != nil || c.Market != actor.Market {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "coupon not found")
	}
	switch err := s.store.ClaimCoupon(ctx, c.ID, actor.AccountID, s.now()); {
	case errors.Is(err, loopshop.ErrAlreadyExists):
		return c, nil // claimed before: the same coupon
	case errors.Is(err, ErrChanged):
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "all the coupons are claimed, or the coupon has expired")
	case err != nil:
		return nil, err
	}
	return s.store.Coupon(ctx, c.ID)
}

// ClaimedCoupons lists the coupons the actor claimed in the actor's market
// and may still use (unused and unexpired), soonest to expire first, for
// checkout to offer them.
func (s *Service) ClaimedCoupons(ctx context.Context, actor *identity.Actor) ([]*ClaimedCoupon, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your coupons")
	}
	cs, err := s.store.ClaimedCoupons(ctx, actor.Market, actor.AccountID, s.now(), MaxClaimed)
	if err != nil {
		return nil, fmt.Errorf("claimed coupons: %w", err)
	}
	return cs, nil
}

// CouponOffer is what checkout needs of a coupon the buyer claimed and has
// not used (order.Coupons).
func (s *Service) CouponOffer(ctx context.Context, couponID, buyerID string) (*deal.Coupon, error) {
	c, err := s.store.Coupon(ctx, couponID)
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINVALID {
			return nil, loopshop.ErrNotFound
		}
		return nil, err
	}
	ok, err := s.store.Unused(ctx, couponID, buyerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, loopshop.ErrNotFound
	}
	return &deal.Coupon{ID: c.ID, Market: c.Market, ShopID: c.ShopID, AmountOff: c.AmountOff.Amount, MinSpend: c.MinSpend.Amount, ExpiresAt: c.ExpiresAt}, nil
}

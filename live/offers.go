package live

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
)

// MaxOffered is the most coupons a room offers a viewer at once: the
// newest, which is what the viewers connected while they were handed out
// were shown last.
const MaxOffered = 3

// offerLookback is how many of a room's recent flash sales and coupons
// are read to find what it offers: a room rarely runs more at once, and a
// sold-out coupon among them leaves room for the others.
const offerLookback = 20

// Offers is what a room offers a viewer joining it now: the flash sale
// running in it and the coupons the viewer may still claim. The viewers
// connected when the host started them got them as events (EventFlash,
// EventCoupon); one who joins or reconnects later gets them with the
// room's state, in the same shapes.
type Offers struct {
	Flash   *RunningFlash    `json:"flash_sale,omitempty"`
	Coupons []*OfferedCoupon `json:"coupons"`
}

// RunningFlash is a flash sale as it stands at a moment of its run: how
// long it still runs (rounded down, so that a countdown never outlasts
// it) and how many of its units are left (0: sold out, until it ends).
type RunningFlash struct {
	*FlashSale
	SecondsLeft int64 `json:"seconds_left"`
	UnitsLeft   int64 `json:"units_left"`
}

// OfferedCoupon is a room's coupon as a viewer is offered it: how many
// are left to claim, and whether this viewer claimed one (the store says).
type OfferedCoupon struct {
	Coupon
	Left          int64 `json:"left"`
	ViewerClaimed bool  `json:"viewer_claimed,omitempty"`
}

// OffersAt is what a room's flash sales and coupons offer a viewer at
// now. The sale is the newest not yet ended, as the newest flash event
// replaced the older ones on the viewers' screens; sold out, it is still
// shown until it ends. The coupons are the newest MaxOffered not expired
// that are left to claim, or that the viewer claimed (to show it is
// waiting at checkout); claims follow ClaimCoupon's rule.
func OffersAt(now time.Time, sales []*FlashSale, coupons []*OfferedCoupon) Offers {
	o := Offers{Coupons: []*OfferedCoupon{}}
	for _, f := range newestFirst(sales, func(f *FlashSale) (time.Time, string) { return f.CreatedAt, f.ID }) {
		if now.Before(f.EndsAt) {
			o.Flash = &RunningFlash{FlashSale: f, SecondsLeft: int64(f.EndsAt.Sub(now) / time.Second), UnitsLeft: max(0, f.Quantity-f.Sold)}
			break
		}
	}
	for _, c := range newestFirst(coupons, func(c *OfferedCoupon) (time.Time, string) { return c.CreatedAt, c.ID }) {
		if len(o.Coupons) == MaxOffered {
			break
		}
		oc := *c
		oc.Left = max(0, c.Quantity-c.Claimed)
		if now.Before(c.ExpiresAt) && (oc.Left > 0 || c.ViewerClaimed) {
			o.Coupons = append(o.Coupons, &oc)
		}
	}
	return o
}

// newestFirst returns a copy of xs, the newest first.
func newestFirst[T any](xs []T, key func(T) (time.Time, string)) []T {
	xs = slices.Clone(xs)
	slices.SortStableFunc(xs, func(a, b T) int {
		at, aid := key(a)
		bt, bid := key(b)
		if c := bt.Compare(at); c != 0 {
			return c
		}
		return cmp.Compare(bid, aid)
	})
	return xs
}

// Offers returns what room r offers the actor (nil: a visitor) joining it
// now (OffersAt), the sale with its product as the room's bag shows it.
func (s *Service) Offers(ctx context.Context, actor *identity.Actor, r *Room) (*Offers, error) {
	now := s.now()
	sales, err := s.flash.RoomFlashes(ctx, r.ID, now, offerLookback)
	if err != nil {
		return nil, fmt.Errorf("live room %s: flash sales: %w", r.ID, err)
	}
	var viewer string
	if actor != nil && actor.Market == r.Market {
		viewer = actor.AccountID
	}
	coupons, err := s.store.RoomCoupons(ctx, r.ID, viewer, now, offerLookback)
	if err != nil {
		return nil, fmt.Errorf("live room %s: coupons: %w", r.ID, err)
	}
	o := OffersAt(now, sales, coupons)
	if f := o.Flash; f != nil {
		// The sale's product as the bag shows it now; if the host took it
		// out of the bag meanwhile, as a chip of the host's would.
		if i := slices.IndexFunc(r.Bag, func(a content.Anchor) bool { return a.ProductID == f.ProductID }); i >= 0 {
			f.Product = r.Bag[i]
		} else if a, err := s.linker.Linkable(ctx, r.Market, r.ShopID, r.CreatorID, f.ProductID, "product_id"); err == nil {
			f.Product = a
		} else if c := loopshop.ErrorCode(err); c == loopshop.EINVALID || c == loopshop.ENOTFOUND {
			o.Flash = nil // no longer on sale: nothing to show
		} else {
			return nil, fmt.Errorf("live room %s: flash sale's product: %w", r.ID, err)
		}
	}
	return &o, nil
}

package live

import (
	"context"
	"slices"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/identity"
)

// A flash sale lasts 10 seconds to 5 minutes.
const (
	MinFlash = 10 * time.Second
	MaxFlash = 300 * time.Second
)

// EventFlash announces a flash sale to a room.
const EventFlash = "flash"

// FlashSale is a deal a host runs in a live room: a SKU at a deal price,
// Quantity units at most, PerBuyer to a buyer, until EndsAt. Buying goes
// through the normal checkout, which takes the units out of the sale's
// allocation in the transaction that reserves the stock: never more is
// sold than allocated.
type FlashSale struct {
	ID     string `json:"id"`
	RoomID string `json:"room_id"`
	// CreatorID is the creator hosting the room, if one does: its sales
	// earn the creator the commission of the plan it joined.
	CreatorID string         `json:"creator_id,omitempty"`
	Market    string         `json:"market"`
	SKUID     string         `json:"sku_id"`
	ProductID string         `json:"product_id"`
	Product   content.Anchor `json:"product"`
	Price     int64          `json:"price"` // the deal price, in the market's minor units
	Quantity  int64          `json:"quantity"`
	Sold      int64          `json:"sold"`
	PerBuyer  int64          `json:"per_buyer"`
	EndsAt    time.Time      `json:"ends_at"`
	CreatedAt time.Time      `json:"created_at"`
}

// NewFlash is a flash sale as the host starts it.
type NewFlash struct {
	SKUID    string `json:"sku_id"`
	Price    int64  `json:"price"`
	Quantity int64  `json:"quantity"`
	PerBuyer int64  `json:"per_buyer"`
	Seconds  int    `json:"seconds"`
}

// FlashStore keeps flash sales.
type FlashStore interface {
	CreateFlash(ctx context.Context, f *FlashSale) error
	Flash(ctx context.Context, id string) (*FlashSale, error)
	// RoomFlashes lists a room's flash sales ending after endsAfter,
	// newest first, with what they have sold.
	RoomFlashes(ctx context.Context, roomID string, endsAfter time.Time, limit int) ([]*FlashSale, error)
}

// Products reads products (catalog.Store is one).
type Products interface {
	Product(ctx context.Context, id string) (*catalog.Product, error)
}

// StartFlash starts a flash sale of a SKU of a product in the room's bag.
func (s *Service) StartFlash(ctx context.Context, actor *identity.Actor, roomID string, in NewFlash) (*FlashSale, error) {
	r, err := s.hosted(ctx, actor, roomID)
	if err != nil {
		return nil, err
	}
	if r.Status != Live {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "flash sales run while the room is live; it is %s", r.Status)
	}
	var product *catalog.Product
	for _, a := range r.Bag {
		p, err := s.products.Product(ctx, a.ProductID)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(p.SKUs, func(k catalog.SKU) bool { return k.ID == in.SKUID }) {
			product = p
			break
		}
	}
	if product == nil {
		return nil, loopshop.Invalid("sku_id", "%s is no SKU of a product in the room's bag", in.SKUID)
	}
	i := slices.IndexFunc(product.SKUs, func(k catalog.SKU) bool { return k.ID == in.SKUID })
	regular := product.SKUs[i].Price.Amount
	d := time.Duration(in.Seconds) * time.Second
	switch {
	case in.Price < 1 || in.Price >= regular:
		return nil, loopshop.Invalid("price", "a deal price is below the regular %d, and above 0", regular)
	case in.Quantity < 1 || in.Quantity > 100000:
		return nil, loopshop.Invalid("quantity", "allocate 1 to 100000 units")
	case in.PerBuyer < 1 || in.PerBuyer > in.Quantity:
		return nil, loopshop.Invalid("per_buyer", "the per-buyer limit is 1 to the quantity")
	case d < MinFlash || d > MaxFlash:
		return nil, loopshop.Invalid("seconds", "a flash sale runs %d to %d seconds", int(MinFlash.Seconds()), int(MaxFlash.Seconds()))
	}
	now := s.now()
	a := r.Bag[slices.IndexFunc(r.Bag, func(a content.Anchor) bool { return a.ProductID == product.ID })]
	f := &FlashSale{ID: loopshop.NewID("fls", r.Market), RoomID: r.ID, CreatorID: r.CreatorID, Market: r.Market, SKUID: in.SKUID, ProductID: product.ID, Product: a,
		Price: in.Price, Quantity: in.Quantity, PerBuyer: in.PerBuyer, EndsAt: now.Add(d), CreatedAt: now}
	if err := s.flash.CreateFlash(ctx, f); err != nil {
		return nil, err
	}
	return f, s.hub.Publish(ctx, Event{Type: EventFlash, RoomID: r.ID, At: now, Product: &f.Product, Flash: f})
}

// Flash returns a flash sale with what it has sold.
func (s *Service) Flash(ctx context.Context, id string) (*FlashSale, error) {
	f, err := s.flash.Flash(ctx, id)
	if err != nil {
		return nil, loopshop.NotFound(err, "flash sale")
	}
	return f, nil
}

// FlashOffer is what checkout needs of a flash sale (order.Flash).
func (s *Service) FlashOffer(ctx context.Context, id string) (*deal.Flash, error) {
	f, err := s.flash.Flash(ctx, id)
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINVALID {
			return nil, loopshop.ErrNotFound
		}
		return nil, err
	}
	return &deal.Flash{ID: f.ID, Market: f.Market, SKUID: f.SKUID, Price: f.Price, PerBuyer: f.PerBuyer, EndsAt: f.EndsAt,
		Source: attribution.Source{Kind: content.TouchLive, RoomID: f.RoomID, CreatorID: f.CreatorID}}, nil
}

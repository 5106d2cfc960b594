package shipping

import (
	"context"
	"fmt"
	"time"

	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
)

// Shop is what rate cards need to know of a shop.
type Shop struct {
	ID, Market, ShipsFrom string
}

// Service lets a shop's staff read its rate card and its managers set it.
type Service struct {
	store   Store
	markets *market.Set
	now     func() time.Time
}

// NewService returns the rate card service.
func NewService(store Store, markets *market.Set) *Service {
	return &Service{store: store, markets: markets, now: identity.Now}
}

// RateCard returns the card the shop sells with: its own, or its market's
// default.
func (s *Service) RateCard(ctx context.Context, actor *identity.Actor, shop Shop) (RateCard, error) {
	if err := actor.Can(identity.PermShopRead, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return RateCard{}, err
	}
	m, err := s.markets.Get(shop.Market)
	if err != nil {
		return RateCard{}, err
	}
	return CardOf(ctx, s.store, m, shop.ID, shop.ShipsFrom)
}

// SetRateCard replaces the shop's card, for those who manage the shop.
func (s *Service) SetRateCard(ctx context.Context, actor *identity.Actor, shop Shop, card RateCard) (RateCard, error) {
	if err := actor.Can(identity.PermShopManage, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return RateCard{}, err
	}
	m, err := s.markets.Get(shop.Market)
	if err != nil {
		return RateCard{}, err
	}
	if card.Currency == "" {
		card.Currency = m.Currency
	}
	if err := card.ValidateFor(m); err != nil {
		return RateCard{}, err
	}
	if err := s.store.SetRateCard(ctx, shop.ID, shop.Market, card, s.now()); err != nil {
		return RateCard{}, fmt.Errorf("rate card of %s: %w", shop.ID, err)
	}
	return card, nil
}

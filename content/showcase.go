package content

import (
	"context"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
)

// AddToShowcase puts a product in the actor's showcase, the shelf of
// products a creator promotes on its profile. The creator must have
// joined an affiliate plan covering the product. Adding a product that is
// already there changes nothing.
func (s *Service) AddToShowcase(ctx context.Context, actor *identity.Actor, productID string) (*ShowcaseItem, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to build your showcase")
	}
	if !actor.IsCreator {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only creators have a showcase; a shop's products are on its shop tab")
	}
	n, err := s.store.ShowcaseCount(ctx, actor.Market, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if n >= MaxShowcase {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "your showcase holds %d products, the most it can; remove one first", MaxShowcase)
	}
	v := &Video{Market: actor.Market, CreatorID: actor.AccountID}
	p, err := s.promotable(ctx, actor, v, productID, "product_id")
	if err != nil {
		return nil, err
	}
	it := &ShowcaseItem{CreatorID: actor.AccountID, ProductID: p.ID, AddedAt: s.now(), Anchor: anchorOf(p)}
	if err := s.store.AddToShowcase(ctx, actor.Market, it); err != nil {
		return nil, err
	}
	return it, nil
}

// RemoveFromShowcase takes a product off the actor's showcase.
func (s *Service) RemoveFromShowcase(ctx context.Context, actor *identity.Actor, productID string) error {
	if actor == nil || actor.AccountID == "" {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to change your showcase")
	}
	return s.store.RemoveFromShowcase(ctx, actor.Market, actor.AccountID, productID)
}

// Showcase lists the products a creator promotes, newest products first.
// Anyone may look: it is a public profile.
func (s *Service) Showcase(ctx context.Context, creatorID string, r page.Request) (page.Page[*ShowcaseItem], error) {
	mk, ok := loopshop.MarketOf(creatorID)
	if !ok {
		return page.Page[*ShowcaseItem]{}, loopshop.Errorf(loopshop.ENOTFOUND, "creator not found")
	}
	items, err := s.store.Showcase(ctx, mk, creatorID, r)
	if err != nil {
		return page.Page[*ShowcaseItem]{}, err
	}
	return page.Make(items, r, func(it *ShowcaseItem) string { return it.ProductID }), nil
}

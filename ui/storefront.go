package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/shipping"
)

// gridSize is how many products a page of the grid shows: a multiple of
// 2, 3 and 4, the column counts from phone to desktop.
const gridSize = 24

// card is a product in a grid, with its shop's name.
type card struct {
	*catalog.Product
	ShopName string
	Locale   string // of the product's market, for its price
	// Shipping is the free-shipping offer for a buyer in the product's
	// market: free at this price, or from a threshold.
	Shipping shipping.Badge
}

type homePage struct {
	// Live are the market's rooms live now; Replays the latest with a
	// replay.
	Live     []*live.Room
	Replays  []*live.Room
	Cards    []card
	Shops    []*catalog.Shop
	MoreURL  string
	Continue bool // a page after the first
	// Suggest is an open market to offer when this one is not open yet.
	Suggest *market.Market
}

func (u *UI) handleHome(w http.ResponseWriter, r *http.Request) error {
	mkt := u.market(r)
	if q := r.URL.Query().Get("market"); q != "" && strings.EqualFold(q, mkt.Code) {
		http.SetCookie(w, &http.Cookie{Name: marketCookie, Value: mkt.Code, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	}
	req, err := page.FromQuery(url.Values{"cursor": r.URL.Query()["cursor"]})
	if err != nil {
		return err
	}
	req.Limit = gridSize
	// The home page opens on the feed of shoppable videos, when the
	// market has any; /shop, and a page of the grid, are the grid.
	if u.Content != nil && mkt.ShopOpen && r.URL.Path == "/" && req.After == "" {
		if shown, err := u.feed(w, r, mkt); shown || err != nil {
			return err
		}
	}
	p := homePage{Continue: req.After != ""}
	if !mkt.ShopOpen {
		p.Suggest = u.openMarket()
	}
	if mkt.ShopOpen && u.Live != nil && req.After == "" {
		if p.Live, p.Replays, err = u.rooms(r.Context(), mkt.Code); err != nil {
			return err
		}
	}
	if mkt.ShopOpen {
		pg, err := u.Catalog.Browse(r.Context(), mkt.Code, req)
		if err != nil {
			return err
		}
		shops := map[string]*catalog.Shop{}
		if p.Cards, err = u.cards(r.Context(), pg.Items, shops); err != nil {
			return err
		}
		for _, c := range p.Cards {
			if s := shops[c.ShopID]; s != nil && !containsShop(p.Shops, s.ID) {
				p.Shops = append(p.Shops, s)
			}
		}
		if pg.NextCursor != "" {
			p.MoreURL = r.URL.Path + "?" + url.Values{"market": {mkt.Code}, "cursor": {pg.NextCursor}}.Encode()
		}
	}
	u.render(w, r, http.StatusOK, "home", u.view(r, mkt.Name, mkt, p))
	return nil
}

// openMarket returns GB if it is open, else the first open market, else nil.
func (u *UI) openMarket() *market.Market {
	if m, err := u.Markets.Get("GB"); err == nil && m.ShopOpen {
		return &m
	}
	for _, m := range u.Markets.All() {
		if m.ShopOpen {
			return &m
		}
	}
	return nil
}

func containsShop(shops []*catalog.Shop, id string) bool {
	for _, s := range shops {
		if s.ID == id {
			return true
		}
	}
	return false
}

// cards pairs products with their shops' names and free-shipping offers,
// reading each shop and its rate card once.
func (u *UI) cards(ctx context.Context, products []*catalog.Product, shops map[string]*catalog.Shop) ([]card, error) {
	out := make([]card, 0, len(products))
	rates := map[string]shipping.RateCard{}
	for _, p := range products {
		s, ok := shops[p.ShopID]
		if !ok {
			var err error
			s, err = u.Catalog.Shop(ctx, p.ShopID)
			if err != nil && loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
				return nil, err
			}
			shops[p.ShopID] = s
		}
		c := card{Product: p}
		if m, err := u.Markets.Get(p.Market); err == nil {
			c.Locale = m.Locale
		}
		if s != nil {
			c.ShopName = s.Name
			badge, err := u.badge(ctx, s, p, rates)
			if err != nil {
				return nil, err
			}
			c.Shipping = badge
		}
		out = append(out, c)
	}
	return out, nil
}

// badge returns the free-shipping offer of a shop's rate card on a
// product, for a buyer in the product's market; cache holds the cards read.
func (u *UI) badge(ctx context.Context, s *catalog.Shop, p *catalog.Product, cache map[string]shipping.RateCard) (shipping.Badge, error) {
	rc, ok := cache[s.ID]
	if !ok {
		m, err := u.Markets.Get(s.Market)
		if err != nil {
			return shipping.Badge{}, nil
		}
		if u.Shipping == nil {
			rc = shipping.Default(m, s.ShipsFrom)
		} else if rc, err = shipping.CardOf(ctx, u.Shipping, m, s.ID, s.ShipsFrom); err != nil {
			return shipping.Badge{}, err
		}
		cache[s.ID] = rc
	}
	shipsFrom := s.ShipsFrom
	if shipsFrom == "" {
		shipsFrom = s.Market
	}
	return rc.Badge(shipsFrom, p.Market, p.MinPrice().Amount), nil
}

type productPage struct {
	Product  *catalog.Product
	Shop     *catalog.Shop
	Market   market.Market
	Shipping shipping.Badge
}

func (u *UI) handleProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := u.Catalog.Product(r.Context(), nil, r.PathValue("id"))
	if err != nil {
		return err
	}
	shop, err := u.Catalog.Shop(r.Context(), p.ShopID)
	if err != nil {
		return err
	}
	// The product is shown in its own market, whatever market the
	// visitor last chose: its price is in that market's currency.
	mkt, err := u.Markets.Get(p.Market)
	if err != nil {
		return err
	}
	badge, err := u.badge(r.Context(), shop, p, map[string]shipping.RateCard{})
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "product", u.view(r, p.Title, mkt, productPage{Product: p, Shop: shop, Market: mkt, Shipping: badge}))
	return nil
}

type shopPage struct {
	Shop    *catalog.Shop
	Videos  []clip
	Cards   []card
	MoreURL string
}

func (u *UI) handleShop(w http.ResponseWriter, r *http.Request) error {
	shop, err := u.Catalog.Shop(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	mkt, err := u.Markets.Get(shop.Market)
	if err != nil {
		return err
	}
	req, err := page.FromQuery(url.Values{"cursor": r.URL.Query()["cursor"]})
	if err != nil {
		return err
	}
	req.Limit = gridSize
	pg, err := u.Catalog.ShopTab(r.Context(), shop.ID, req)
	if err != nil {
		return err
	}
	products, next := pg.Items, pg.NextCursor
	p := shopPage{Shop: shop}
	if req.After == "" {
		if p.Videos, err = u.videosBy(r.Context(), shop.ID, mkt.Locale); err != nil {
			return err
		}
	}
	if p.Cards, err = u.cards(r.Context(), products, map[string]*catalog.Shop{shop.ID: shop}); err != nil {
		return err
	}
	for i := range p.Cards {
		p.Cards[i].ShopName = "" // the page is the shop's own
	}
	if next != "" {
		p.MoreURL = "/shops/" + url.PathEscape(shop.ID) + "?" + url.Values{"cursor": {next}}.Encode()
	}
	u.render(w, r, http.StatusOK, "shop", u.view(r, shop.Name, mkt, p))
	return nil
}

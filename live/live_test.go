package live_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
	"github.com/loopshop/loopshop/university"
)

// server is one loopshop server's live side over a router: a whole
// platform, wired as cmd/loopshop wires it (checkout credits lines to what
// the buyer tapped, creators' plans price their commission), with the
// regions' own event hub.
type server struct {
	live      *live.Service
	hub       live.Hub
	orders    *order.Service
	affiliate *affiliate.Service
}

func newServer(t *testing.T, r *sqlstore.Router, change ...func(*platform.Options)) *server {
	t.Helper()
	p := testkit.Platform(t, r, change...)
	return &server{live: p.Live, hub: p.Hub, orders: p.Orders, affiliate: p.Affiliate}
}

type world struct {
	t       *testing.T
	r       *sqlstore.Router
	p       *platform.Platform
	ids     *identity.Service
	catalog *catalog.Service
}

func (w *world) account(market string, creator bool) *identity.Actor {
	return testkit.Account(w.t, w.p, market, creator)
}

// shop opens a shop whose owner may go live, with a product of its own.
func (w *world) shop(market, name string) (*identity.Actor, *catalog.Shop, *catalog.Product) {
	w.t.Helper()
	a, shop := testkit.Seller(w.t, w.p, market, name)
	w.host(a)
	p := testkit.Product(w.t, w.p, a, shop, catalog.NewProduct{Title: name + " bestseller", Category: "beauty", SKUs: []catalog.NewSKU{{Price: 1500}}})
	return a, shop, p
}

// stock sets the units of the product's first SKU on hand.
func (w *world) stock(seller *identity.Actor, p *catalog.Product, units int64) {
	w.t.Helper()
	if _, err := w.catalog.AdjustStock(context.Background(), seller, catalog.AdjustStock{SKUID: p.SKUs[0].ID, SetAvailable: &units, Reason: catalog.ReasonCount}); err != nil {
		w.t.Fatal(err)
	}
}

func newWorld(t *testing.T, r *sqlstore.Router) *world {
	// The world's own platform publishes no events: an in-process hub
	// keeps it from listening to the regions.
	p := testkit.Platform(t, r, func(o *platform.Options) { o.Hub = live.NewLocalHub() })
	return &world{t: t, r: r, p: p, ids: p.Identity, catalog: p.Catalog}
}

// host passes the Seller University course a host needs to go live.
func (w *world) host(a *identity.Actor) {
	w.t.Helper()
	testkit.Certify(w.t, w.p, a, university.CapabilityLive)
}

// next waits for the next event of a subscription.
func next(t *testing.T, ch <-chan live.Event) live.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
		return live.Event{}
	}
}

// A shop hosts a room: it opens only where live commerce is on, sells only
// the shop's products, pins what is in its bag for every viewer, and its
// chat redacts off-platform contacts and records the violation.
func TestRoom(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		_, _, other := w.shop("GB", "Elsewhere")
		deSeller, deShop, _ := w.shop("DE", "Kiez")

		if _, err := s.live.CreateRoom(ctx, deSeller, live.NewRoom{ShopID: deShop.ID, Title: "Abendshow", StreamURL: "https://media.example.com/live/kiez.m3u8"}); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a room in DE, where live commerce is off: %v; want a conflict", err)
		}
		for _, tt := range []struct {
			in    live.NewRoom
			field string
		}{
			{live.NewRoom{ShopID: shop.ID, Title: "", StreamURL: "https://media.example.com/a.m3u8"}, "title"},
			{live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "rtmp://media.example.com/a"}, "stream_url"},
			{live.NewRoom{ShopID: shop.ID, Title: "Glow hour"}, "stream_url"},
			{live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/a.m3u8", Products: []string{other.ID}}, "products[0]"},
			{live.NewRoom{ShopID: shop.ID, Title: "Deals at glow dot example dot com", StreamURL: "https://media.example.com/a.m3u8"}, "title"},
		} {
			if _, err := s.live.CreateRoom(ctx, seller, tt.in); loopshop.ErrorField(err) != tt.field {
				t.Errorf("room %+v: %v; want it refused on %s", tt.in, err, tt.field)
			}
		}
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/live/glow.m3u8", Products: []string{serum.ID}})
		if err != nil || room.Status != live.Scheduled || len(room.Bag) != 1 || room.Bag[0].Title != "Glow bestseller" {
			t.Fatalf("create: %+v %v", room, err)
		}
		events, stop := s.hub.Subscribe(room.ID)
		defer stop()
		viewer := w.account("GB", false)
		if _, err := s.live.Chat(ctx, viewer, room.ID, "hello"); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("chat before the room is live: %v; want a conflict", err)
		}
		if _, err := s.live.Pin(ctx, viewer, room.ID, serum.ID); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a viewer pinning: %v; want forbidden", err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		if e := next(t, events); e.Type != live.EventStatus || e.Status != live.Live {
			t.Errorf("first event %+v; want the room going live", e)
		}
		if _, err := s.live.Pin(ctx, seller, room.ID, other.ID); loopshop.ErrorField(err) != "product_id" {
			t.Errorf("pinning a product not in the bag: %v; want it refused", err)
		}
		if _, err := s.live.Pin(ctx, seller, room.ID, serum.ID); err != nil {
			t.Fatal(err)
		}
		if e := next(t, events); e.Type != live.EventPin || e.Product == nil || e.Product.ProductID != serum.ID || e.Product.Price.Amount != 1500 {
			t.Errorf("pin event %+v; want the serum with its price", e)
		}

		msg, err := s.live.Chat(ctx, viewer, room.ID, "cheaper on glowdeals.example.com or text +44 7911 123456")
		if err != nil || !msg.Redacted || strings.Contains(msg.Text, "glowdeals") || strings.Contains(msg.Text, "7911") {
			t.Fatalf("chat with contacts: %+v %v; want them redacted", msg, err)
		}
		if e := next(t, events); e.Type != live.EventChat || e.Message.Text != msg.Text {
			t.Errorf("chat event %+v; want the redacted message", e)
		}
		vs, err := sqlstore.NewLiveStore(r).Violations(ctx, "GB", viewer.AccountID)
		if err != nil || len(vs) != 1 || !strings.Contains(vs[0].Text, "glowdeals") || vs[0].Ref != room.ID {
			t.Errorf("violations %+v %v; want the original message recorded", vs, err)
		}
		if m, err := s.live.Chat(ctx, viewer, room.ID, "love this serum!"); err != nil || m.Redacted {
			t.Errorf("a plain message: %+v %v", m, err)
		}
		next(t, events)
		msgs, err := s.live.Messages(ctx, room.ID)
		if err != nil || len(msgs) != 2 || msgs[1].Text != "love this serum!" {
			t.Errorf("messages %+v %v; want both, oldest first", msgs, err)
		}
		got, err := s.live.Room(ctx, room.ID)
		if err != nil || got.Pinned != serum.ID || got.Status != live.Live {
			t.Errorf("room %+v %v; want it live with the serum pinned", got, err)
		}
		// Moderation: the host appoints a moderator, who removes a message
		// and mutes its author; a viewer may do neither.
		mod := w.account("GB", false)
		if err := s.live.RemoveMessage(ctx, viewer, room.ID, msgs[1].ID); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a viewer removing a message: %v; want forbidden", err)
		}
		if err := s.live.AddModerator(ctx, seller, room.ID, mod.AccountID); err != nil {
			t.Fatal(err)
		}
		if err := s.live.RemoveMessage(ctx, mod, room.ID, msgs[1].ID); err != nil {
			t.Fatal(err)
		}
		if e := next(t, events); e.Type != live.EventUnchat || e.Message.ID != msgs[1].ID {
			t.Errorf("event %+v; want the message removed", e)
		}
		if err := s.live.Mute(ctx, mod, room.ID, viewer.AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Chat(ctx, viewer, room.ID, "still here"); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a muted viewer chatting: %v; want forbidden", err)
		}
		if msgs, _ := s.live.Messages(ctx, room.ID); len(msgs) != 1 {
			t.Errorf("%d messages after the removal; want 1", len(msgs))
		}
		if _, err := s.live.End(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.live.Room(ctx, room.ID); got.Pinned != "" || got.EndedAt == nil {
			t.Errorf("an ended room %+v; want no pin and its end time", got)
		}
	})
}

// Two servers over one PostgreSQL: a pin made on one reaches a viewer
// connected to the other.
func TestHubAcrossServers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := sqltest.Config(t, sqlstore.Postgres)
	r1, r2 := sqltest.RouterFor(t, cfg), sqltest.RouterFor(t, cfg)
	w := newWorld(t, r1)
	s1, s2 := newServer(t, r1), newServer(t, r2)
	seller, shop, serum := w.shop("GB", "Glow")
	room, err := s1.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/live/glow.m3u8", Products: []string{serum.ID}})
	if err != nil {
		t.Fatal(err)
	}
	onTwo, stop := s2.hub.Subscribe(room.ID)
	defer stop()
	if _, err := s1.live.Start(ctx, seller, room.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.live.Pin(ctx, seller, room.ID, serum.ID); err != nil {
		t.Fatal(err)
	}
	if e := next(t, onTwo); e.Type != live.EventStatus {
		t.Errorf("server two first saw %+v; want the room going live", e)
	}
	if e := next(t, onTwo); e.Type != live.EventPin || e.Product.ProductID != serum.ID {
		t.Errorf("server two saw %+v; want the pin made on server one", e)
	}
}

// A slow viewer loses its oldest events instead of holding the room up.
func TestLocalHubDropsOldestForSlowViewers(t *testing.T) {
	h := live.NewLocalHub()
	ch, stop := h.Subscribe("liv_gb_x")
	defer stop()
	for i := range 100 {
		h.Deliver(live.Event{Type: live.EventChat, RoomID: "liv_gb_x", Viewers: i})
	}
	first := <-ch
	if first.Viewers != 100-64 {
		t.Errorf("the oldest event kept is #%d; want #%d, the 64 newest kept", first.Viewers, 100-64)
	}
	stop()
	if n := h.Subscribers("liv_gb_x"); n != 0 {
		t.Errorf("%d subscribers after stopping; want 0", n)
	}
}

// A flash sale in a live room: buyers racing for it through the normal
// checkout buy exactly the units allocated, at the deal price, one each;
// a declined card gives its unit back to the sale.
func TestFlashSaleNeverOversells(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		w.stock(seller, serum, 1000)
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Flash hour", StreamURL: "https://media.example.com/f.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.StartFlash(ctx, seller, room.ID, live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 20, PerBuyer: 1, Seconds: 60}); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a flash sale before going live: %v; want a conflict", err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			in    live.NewFlash
			field string
		}{
			{live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 1500, Quantity: 20, PerBuyer: 1, Seconds: 60}, "price"},
			{live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 20, PerBuyer: 1, Seconds: 5}, "seconds"},
			{live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 20, PerBuyer: 21, Seconds: 60}, "per_buyer"},
			{live.NewFlash{SKUID: "sku_gb_nothing", Price: 900, Quantity: 20, PerBuyer: 1, Seconds: 60}, "sku_id"},
		} {
			if _, err := s.live.StartFlash(ctx, seller, room.ID, tt.in); loopshop.ErrorField(err) != tt.field {
				t.Errorf("flash %+v: %v; want it refused on %s", tt.in, err, tt.field)
			}
		}
		events, stop := s.hub.Subscribe(room.ID)
		defer stop()
		f, err := s.live.StartFlash(ctx, seller, room.ID, live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 20, PerBuyer: 1, Seconds: 120})
		if err != nil {
			t.Fatal(err)
		}
		// On PostgreSQL the room's earlier status event may still be on
		// its way through NOTIFY: wait it out.
		e := next(t, events)
		for e.Type == live.EventStatus {
			e = next(t, events)
		}
		if e.Type != live.EventFlash || e.Flash == nil || e.Flash.ID != f.ID {
			t.Errorf("event %+v; want the flash sale announced", e)
		}

		buy := func(buyer *identity.Actor, key, cardNo string) (*order.Checkout, error) {
			return s.orders.Checkout(ctx, buyer, key, order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1, FlashSaleID: f.ID}},
				ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
				Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: cardNo, ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
		}
		// A declined card holds nothing: its unit goes back to the sale.
		if c, err := buy(&identity.Actor{AccountID: loopshop.NewID("acc", "GB"), Market: "GB"}, "declined", "4000000000000002"); err != nil || c.Status != order.CheckoutDeclined {
			t.Fatalf("declined: %v %v", c, err)
		}
		const buyers = 300
		var paid, refused atomic.Int64
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		first := &identity.Actor{AccountID: loopshop.NewID("acc", "GB"), Market: "GB"}
		for i := range buyers {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				b := &identity.Actor{AccountID: loopshop.NewID("acc", "GB"), Market: "GB"}
				if i == 0 {
					b = first
				}
				c, err := buy(b, fmt.Sprintf("flash-%d", i), "4242424242424242")
				switch {
				case err == nil && c.Status == order.CheckoutPaid:
					paid.Add(1)
					if l := c.Orders[0].Lines[0]; l.UnitPrice.Amount != 900 || l.Source.RoomID != room.ID || l.Source.Kind != content.TouchLive {
						t.Errorf("line %+v; want the deal price 900, credited to the room", l)
					}
				case loopshop.ErrorCode(err) == loopshop.ECONFLICT:
					refused.Add(1)
				default:
					t.Errorf("buyer %d: %v %v", i, c, err)
				}
			})
		}
		wg.Wait()
		if paid.Load() != 20 || refused.Load() != buyers-20 {
			t.Errorf("%d paid, %d refused; want exactly the 20 allocated and %d refused", paid.Load(), refused.Load(), buyers-20)
		}
		got, err := s.live.Flash(ctx, f.ID)
		if err != nil || got.Sold != 20 {
			t.Errorf("flash sale %+v %v; want 20 sold", got, err)
		}
		st, err := w.catalog.StockOfProduct(ctx, seller, serum.ID)
		if err != nil || st[0].Sold != 20 || st[0].Reserved != 0 {
			t.Errorf("stock %+v %v; want 20 sold, none held", st, err)
		}
		// The sale is spent; and a buyer who got one cannot have another.
		if _, err := buy(first, "again", "4242424242424242"); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a second unit: %v; want it refused", err)
		}
	})
}

// A host hands out two coupons: two viewers claim them, a third is too
// late; a coupon takes its amount off the shop's order, with the tax on
// what is paid, once; a declined payment gives the coupon back.
func TestCoupons(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		w.stock(seller, serum, 10)
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Coupon hour", StreamURL: "https://media.example.com/c.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.StartCoupon(ctx, seller, room.ID, live.NewCoupon{AmountOff: 0, Quantity: 2, Hours: 24}); loopshop.ErrorField(err) != "amount_off" {
			t.Errorf("a coupon of nothing: %v; want it refused on amount_off", err)
		}
		c, err := s.live.StartCoupon(ctx, seller, room.ID, live.NewCoupon{AmountOff: 500, MinSpend: 1000, Quantity: 2, Hours: 24})
		if err != nil {
			t.Fatal(err)
		}
		ann, bob, cat := w.account("GB", false), w.account("GB", false), w.account("GB", false)
		for _, b := range []*identity.Actor{ann, ann, bob} {
			if _, err := s.live.ClaimCoupon(ctx, b, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.live.ClaimCoupon(ctx, cat, c.ID); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a third claim of two coupons: %v; want a conflict", err)
		}
		if got, _ := s.live.ClaimCoupon(ctx, ann, c.ID); got.Claimed != 2 {
			t.Errorf("claimed %d; want 2, a repeated claim counting once", got.Claimed)
		}

		buy := func(b *identity.Actor, key, cardNo string) (*order.Checkout, error) {
			return s.orders.Checkout(ctx, b, key, order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1}}, CouponID: c.ID,
				ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
				Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: cardNo, ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
		}
		co, err := buy(ann, "a1", "4242424242424242")
		if err != nil || co.Status != order.CheckoutPaid {
			t.Fatalf("checkout with the coupon: %v %v", co, err)
		}
		// £15.00 less £5.00: £10.00, with 20 % VAT included: £1.67.
		o := co.Orders[0]
		if o.Discount.Amount != 500 || o.CouponID != c.ID || o.Lines[0].Tax.Amount != 167 || o.Total.Amount != 1500-500+o.ShippingFee.Amount {
			t.Errorf("order %+v; want 5.00 off, VAT 1.67 on the 10.00 paid", o)
		}
		if _, err := buy(ann, "a2", "4242424242424242"); loopshop.ErrorField(err) != "coupon_id" {
			t.Errorf("using the coupon twice: %v; want it refused on coupon_id", err)
		}
		if _, err := buy(cat, "c1", "4242424242424242"); loopshop.ErrorField(err) != "coupon_id" {
			t.Errorf("a coupon never claimed: %v; want it refused on coupon_id", err)
		}
		if co, err := buy(bob, "b1", "4000000000000002"); err != nil || co.Status != order.CheckoutDeclined {
			t.Fatalf("declined: %v %v", co, err)
		}
		if co, err := buy(bob, "b2", "4242424242424242"); err != nil || co.Orders[0].Discount.Amount != 500 {
			t.Errorf("after a declined card the coupon works again: %v %v", co, err)
		}
	})
}

package live_test

import (
	"context"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// A creator hosts a room with a product of a plan it joined: a buyer who
// taps the product in the room and buys it later, at the regular price,
// is the room's order; the creator earns the plan's commission on it and
// the room's analytics count it. A tap in another room afterwards takes
// the credit of the next order, as the last touch does.
func TestRoomCreditsOrdersAfterATap(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		_, _, other := w.shop("GB", "Elsewhere")
		w.stock(seller, serum, 10)
		plan, err := s.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Glow for creators", ShopWideBPS: 1000})
		if err != nil {
			t.Fatal(err)
		}
		creator := w.account("GB", true)
		if _, err := s.affiliate.Join(ctx, creator, plan.ID); err != nil {
			t.Fatal(err)
		}
		room, err := s.live.CreateRoom(ctx, creator, live.NewRoom{Title: "Ask me anything", StreamURL: "https://media.example.com/c.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		w.host(creator)
		if _, err := s.live.Start(ctx, creator, room.ID); err != nil {
			t.Fatal(err)
		}

		buyer, visitor := w.account("GB", false), (*identity.Actor)(nil)
		for _, tt := range []struct {
			name, room, product, field string
		}{
			{"no room", "", serum.ID, "room_id"},
			{"a product outside the bag", room.ID, other.ID, "product_id"},
		} {
			if _, err := s.live.Tap(ctx, buyer, tt.room, tt.product); loopshop.ErrorField(err) != tt.field {
				t.Errorf("%s: %v; want it refused on %s", tt.name, err, tt.field)
			}
		}
		if _, err := s.live.Tap(ctx, buyer, "liv_gb_nothing", serum.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a room that does not exist: %v; want not found", err)
		}
		if tch, err := s.live.Tap(ctx, visitor, room.ID, serum.ID); err != nil || tch.ID != "" || tch.ProductID != serum.ID {
			t.Errorf("a visitor's tap: %+v %v; want the product, and nothing recorded", tch, err)
		}
		tch, err := s.live.Tap(ctx, buyer, room.ID, serum.ID)
		if err != nil || tch.ID == "" || tch.Kind != content.TouchLive || tch.RoomID != room.ID || tch.CreatorID != creator.AccountID {
			t.Fatalf("the buyer's tap: %+v %v; want it recorded for the room and its creator", tch, err)
		}

		buy := func(key string) *order.Order {
			t.Helper()
			c, err := s.orders.Checkout(ctx, buyer, key, order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1}},
				ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
				Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
			if err != nil || c.Status != order.CheckoutPaid {
				t.Fatalf("checkout: %+v %v", c, err)
			}
			return c.Orders[0]
		}
		o := buy("after-the-room")
		l := o.Lines[0]
		want := attribution.Source{Kind: content.TouchLive, RoomID: room.ID, CreatorID: creator.AccountID}
		gb, err := r.Markets().Get("GB")
		if err != nil {
			t.Fatal(err)
		}
		if l.Source != want || l.PlanID != plan.ID || l.CreatorCommission.Amount != l.Base(gb)/10 {
			t.Errorf("line %+v; want it credited to the room (%+v) with the plan's 10 %% for the creator", l, want)
		}
		if got, err := s.orders.Order(ctx, buyer, o.ID); err != nil || got.Lines[0].Source != want {
			t.Errorf("stored line source %+v %v; want %+v", got.Lines[0].Source, err, want)
		}
		a, err := s.live.Analytics(ctx, creator, room.ID)
		if err != nil || a.Orders != 1 || a.Units != 1 || a.GMV.Amount != 1500 {
			t.Errorf("analytics %+v %v; want the room's one order of 15.00", a, err)
		}

		// The shop's own room, tapped later, takes the credit of the next
		// order: the creator's room keeps the first only.
		shopRoom, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/g.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Tap(ctx, buyer, shopRoom.ID, serum.ID); err != nil {
			t.Fatal(err)
		}
		if o := buy("after-the-shop-room"); o.Lines[0].Source != (attribution.Source{Kind: content.TouchLive, RoomID: shopRoom.ID}) || o.Lines[0].PlanID != "" {
			t.Errorf("line %+v; want it credited to the shop's room, with no commission", o.Lines[0])
		}
		if a, err := s.live.Analytics(ctx, creator, room.ID); err != nil || a.Orders != 1 {
			t.Errorf("analytics %+v %v; want still the one order", a, err)
		}
	})
}

// Lines bought in a flash sale before orders named their room get it from
// migration 00020: rolled back past it and applied again, a flash line
// names its room once more.
func TestMigrationGivesFlashLinesTheirRoom(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		w.stock(seller, serum, 5)
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Flash hour", StreamURL: "https://media.example.com/f.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		f, err := s.live.StartFlash(ctx, seller, room.ID, live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 2, PerBuyer: 1, Seconds: 60})
		if err != nil {
			t.Fatal(err)
		}
		buyer := w.account("GB", false)
		c, err := s.orders.Checkout(ctx, buyer, "flash", order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1, FlashSaleID: f.ID}},
			ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
			Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
		if err != nil || c.Status != order.CheckoutPaid {
			t.Fatalf("checkout: %+v %v", c, err)
		}
		db := r.Region("eu")
		if err := db.MigrateDownTo(ctx, sqlstore.RegionSchema, 19); err != nil {
			t.Fatalf("down to 19: %v", err)
		}
		if err := db.Migrate(ctx, sqlstore.RegionSchema); err != nil {
			t.Fatalf("up again: %v", err)
		}
		o, err := s.orders.Order(ctx, buyer, c.Orders[0].ID)
		if want := (attribution.Source{Kind: content.TouchLive, RoomID: room.ID}); err != nil || o.Lines[0].Source != want {
			t.Errorf("after the migration the flash line's source is %+v (%v); want %+v", o.Lines[0].Source, err, want)
		}
	})
}

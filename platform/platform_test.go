package platform_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// A platform, or any service, built without a part it needs is refused,
// naming every part missing, rather than running with a feature off.
func TestNewRefusesMissingParts(t *testing.T) {
	t.Parallel()
	r := sqltest.Router(t, sqlstore.SQLite)
	_, err := platform.New(r, platform.Options{})
	for _, want := range []string{"Media", "Payments", "Secret"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("platform without options: %v; want it refused naming %s", err, want)
		}
	}
	for name, build := range map[string]func() error{
		"catalog":   func() error { _, err := catalog.NewService(catalog.Deps{}); return err },
		"affiliate": func() error { _, err := affiliate.NewService(affiliate.Deps{}); return err },
		"content":   func() error { _, err := content.NewService(content.Deps{}); return err },
		"live":      func() error { _, err := live.NewService(live.Deps{}); return err },
		"order":     func() error { _, err := order.NewService(order.Deps{}); return err },
	} {
		err := build()
		if err == nil || !strings.HasPrefix(err.Error(), name+": built without ") || !strings.Contains(err.Error(), "Store") {
			t.Errorf("%s without its parts: %v; want it refused naming Store among them", name, err)
		}
	}
	_, err = order.NewService(order.Deps{Store: sqlstore.NewOrderStore(r), Markets: r.Markets(), Rates: sqlstore.NewShippingStore(r)})
	if err == nil || err.Error() != "order: built without Attribution, Cards, Commissions, Coupons, Flash: pass every dependency to its constructor" {
		t.Errorf("order without checkout's readers: %v; want every one named", err)
	}
}

// The platform's services are tied together: a creator may promote what
// the affiliate plan it joined covers (content asks affiliate), a live room
// sells it (live asks content) and going live needs the course (live asks
// university); the job runner knows the catalog's jobs.
func TestNewWiresServicesTogether(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		p := testkit.New(t, engine)
		owner, shop := testkit.Seller(t, p, "GB", "Wired Shop")
		prod := testkit.Product(t, p, owner, shop, catalog.NewProduct{Title: "Mug", SKUs: []catalog.NewSKU{{Price: 1200}}})
		creator := testkit.Account(t, p, "GB", true)
		if _, err := p.Content.AddToShowcase(ctx, creator, prod.ID); err == nil {
			t.Error("a creator in no plan showcased the mug; want it refused")
		}
		plan, err := p.Affiliate.CreatePlan(ctx, owner, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Mugs", ShopWideBPS: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Affiliate.Join(ctx, creator, plan.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Content.AddToShowcase(ctx, creator, prod.ID); err != nil {
			t.Errorf("a creator in the plan showcasing the mug: %v; want it in the showcase", err)
		}
		room, err := p.Live.CreateRoom(ctx, creator, live.NewRoom{Title: "Mug talk", StreamURL: "https://media.example.com/m.m3u8", Products: []string{prod.ID}})
		if err != nil {
			t.Fatalf("a creator's room with the plan's mug: %v", err)
		}
		if _, err := p.Live.Start(ctx, creator, room.ID); err == nil || !strings.Contains(err.Error(), "course") {
			t.Errorf("going live untrained: %v; want it refused, naming the course", err)
		}
		// The listing queued its review job, which the runner knows.
		if n, err := p.Jobs.RunDue(ctx); err != nil || n == 0 {
			t.Errorf("running the platform's due jobs: %d ran, %v; want the listing's review run", n, err)
		}
	})
}

package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/shipping"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// shippingShop opens a shop in marketCode shipping from shipsFrom.
func shippingShop(t *testing.T, r *sqlstore.Router, marketCode, shipsFrom string) *catalog.Shop {
	t.Helper()
	ctx := context.Background()
	ids := identity.NewService(sqlstore.NewIdentityStore(r), r.Markets(), "k", time.Hour)
	acc, err := ids.SignUp(ctx, identity.SignUp{Market: marketCode, Email: "ship-" + marketCode + "-" + shipsFrom + "@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	cat := testkit.Platform(t, r).Catalog
	shop, err := cat.CreateShop(ctx, &identity.Actor{AccountID: acc.ID, Market: marketCode}, catalog.NewShop{Name: "Parcel Shop " + shipsFrom, ShipsFrom: shipsFrom})
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

func gbCard() shipping.RateCard {
	return shipping.RateCard{Currency: "GBP", FreeOver: 3000, Zones: []shipping.Zone{
		{Name: "UK", Domestic: true, Bands: []shipping.Band{{UpToGrams: 1000, Fee: 349}, {UpToGrams: 3000, Fee: 499}}, PerExtraKg: 150, FreeShippingEligible: true},
		{Name: "Europe", Countries: []string{"FR", "DE"}, CrossBorder: true, Bands: []shipping.Band{{UpToGrams: 2000, Fee: 1099}}},
	}}
}

func TestShippingRateCardRoundTripsAndReplaces(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		st := sqlstore.NewShippingStore(r)
		shop := shippingShop(t, r, "GB", "GB")
		gb := mustMarket(t, r, "GB")

		if _, err := st.RateCard(ctx, shop.ID); !errors.Is(err, loopshop.ErrNotFound) {
			t.Fatalf("new shop's card: %v, want ErrNotFound", err)
		}
		card, err := shipping.CardOf(ctx, st, gb, shop.ID, shop.ShipsFrom)
		if err != nil || !cmp.Equal(card, shipping.Default(gb, "GB")) {
			t.Fatalf("a shop without a card sells with %+v, %v; want the default", card, err)
		}

		at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.FixedZone("BST", 3600))
		if err := st.SetRateCard(ctx, shop.ID, "gb", gbCard(), at); err != nil {
			t.Fatal(err)
		}
		got, err := st.RateCard(ctx, shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(gbCard(), *got); diff != "" {
			t.Errorf("card read back (-want +got):\n%s", diff)
		}
		q, err := got.Quote(shop.ShipsFrom, "GB", 2500, 1000)
		if err != nil || q.Fee != 499 {
			t.Errorf("quote from the stored card: %+v, %v; want fee 499", q, err)
		}

		next := gbCard()
		next.FreeOver = 0
		next.Zones = next.Zones[:1]
		if err := st.SetRateCard(ctx, shop.ID, "GB", next, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err = st.RateCard(ctx, shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(next, *got); diff != "" {
			t.Errorf("card after replacing (-want +got):\n%s", diff)
		}
		if _, err := got.Quote(shop.ShipsFrom, "FR", 500, 0); loopshop.ErrorField(err) != "destination" {
			t.Errorf("the replaced card still ships to FR: %v", err)
		}

		db, _ := r.ForMarket("GB")
		var rows int
		if err := db.Read().Get(ctx, `SELECT COUNT(*) FROM shipping_rate_cards WHERE shop_id = ?`, []any{shop.ID}, &rows); err != nil {
			t.Fatal(err)
		}
		var updated time.Time
		if err := db.Read().Get(ctx, `SELECT updated_at FROM shipping_rate_cards WHERE shop_id = ?`, []any{shop.ID}, &updated); err != nil {
			t.Fatal(err)
		}
		if want := at.Add(time.Hour); rows != 1 || !updated.Equal(want) {
			t.Errorf("%d rows, updated at %v; want one, updated at %v", rows, updated, want)
		}
	})
}

func TestShippingRateCardIsRefusedWhenWrong(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		st := sqlstore.NewShippingStore(r)
		shop := shippingShop(t, r, "GB", "GB")
		now := time.Now().UTC()

		bad := gbCard()
		bad.Zones[0].Bands[1].UpToGrams = 500
		if err := st.SetRateCard(ctx, shop.ID, "GB", bad, now); loopshop.ErrorField(err) != "zones[0].bands[1].up_to_grams" {
			t.Errorf("bands out of order: %v; want an error on zones[0].bands[1].up_to_grams", err)
		}
		euros := gbCard()
		euros.Currency = "EUR"
		if err := st.SetRateCard(ctx, shop.ID, "GB", euros, now); loopshop.ErrorField(err) != "currency" {
			t.Errorf("EUR card for a GB shop: %v; want an error on currency", err)
		}
		// DE shares GB's region: the shop is there, but not in DE.
		if err := st.SetRateCard(ctx, shop.ID, "DE", shipping.Default(mustMarket(t, r, "DE"), "DE"), now); loopshop.ErrorField(err) != "market" {
			t.Errorf("GB shop saved as DE: %v; want an error on market", err)
		}
		if err := st.SetRateCard(ctx, "shp_gb_00000000000000000000000000", "GB", gbCard(), now); !errors.Is(err, loopshop.ErrNotFound) {
			t.Errorf("unknown shop: %v; want ErrNotFound", err)
		}
		if _, err := st.RateCard(ctx, "not-an-id"); !errors.Is(err, loopshop.ErrNotFound) {
			t.Errorf("malformed shop ID: %v; want ErrNotFound", err)
		}
		if _, err := st.RateCard(ctx, shop.ID); !errors.Is(err, loopshop.ErrNotFound) {
			t.Errorf("after refused writes the shop has a card: %v", err)
		}
	})
}

// A card lives in its shop's region only.
func TestShippingRateCardStaysInItsRegion(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		st := sqlstore.NewShippingStore(r)
		shop := shippingShop(t, r, "ID", "CN")
		id := mustMarket(t, r, "ID")
		card := shipping.Default(id, shop.ShipsFrom)
		if err := st.SetRateCard(ctx, shop.ID, "ID", card, time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := st.RateCard(ctx, shop.ID)
		if err != nil || !cmp.Equal(*got, card) {
			t.Fatalf("ID shop's card: %+v, %v", got, err)
		}
		for region, want := range map[string]int{"sea": 1, "eu": 0, "us": 0} {
			var n int
			if err := r.Region(region).Read().Get(ctx, `SELECT COUNT(*) FROM shipping_rate_cards`, nil, &n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("region %s holds %d cards, want %d", region, n, want)
			}
		}
	})
}

func mustMarket(t *testing.T, r *sqlstore.Router, code string) market.Market {
	t.Helper()
	m, err := r.Markets().Get(code)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

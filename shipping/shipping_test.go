package shipping

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// testCard is a GB shop's card: a domestic zone with a per-kg rate, an
// Irish zone that refuses heavy parcels, and a cross-border zone without
// free shipping.
func testCard() RateCard {
	return RateCard{Currency: "GBP", FreeOver: 2000, Zones: []Zone{
		{Name: "Domestic", Domestic: true, Bands: []Band{{500, 299}, {2000, 399}, {5000, 599}}, PerExtraKg: 100, FreeShippingEligible: true},
		{Name: "Ireland", Countries: []string{"IE"}, Bands: []Band{{1000, 699}}, FreeShippingEligible: true},
		{Name: "Overseas", Countries: []string{"US", "DE"}, CrossBorder: true, Bands: []Band{{2000, 1299}}, PerExtraKg: 300},
	}}
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		grams    int
		subtotal int64
		want     Quote
	}{
		{"lightest band", "GB", "GB", 100, 500, Quote{Zone: "Domestic", Fee: 299, Currency: "GBP"}},
		{"unknown weight is the lightest band", "GB", "GB", 0, 500, Quote{Zone: "Domestic", Fee: 299, Currency: "GBP"}},
		{"exactly on a band's limit", "GB", "GB", 500, 500, Quote{Zone: "Domestic", Fee: 299, Currency: "GBP"}},
		{"a gram over a band's limit", "GB", "GB", 501, 500, Quote{Zone: "Domestic", Fee: 399, Currency: "GBP"}},
		{"on the middle band's limit", "GB", "GB", 2000, 500, Quote{Zone: "Domestic", Fee: 399, Currency: "GBP"}},
		{"last band", "GB", "GB", 4999, 500, Quote{Zone: "Domestic", Fee: 599, Currency: "GBP"}},
		{"a gram over the last band starts a kilogram", "GB", "GB", 5001, 500, Quote{Zone: "Domestic", Fee: 699, Currency: "GBP"}},
		{"a whole extra kilogram", "GB", "GB", 6000, 500, Quote{Zone: "Domestic", Fee: 699, Currency: "GBP"}},
		{"into the second extra kilogram", "GB", "GB", 6001, 500, Quote{Zone: "Domestic", Fee: 799, Currency: "GBP"}},
		{"a unit below the free threshold pays", "GB", "GB", 100, 1999, Quote{Zone: "Domestic", Fee: 299, Currency: "GBP"}},
		{"on the free threshold ships free", "GB", "GB", 100, 2000, Quote{Zone: "Domestic", Currency: "GBP", Free: true}},
		{"free covers extra kilograms", "GB", "GB", 8000, 5000, Quote{Zone: "Domestic", Currency: "GBP", Free: true}},
		{"listed zone", "GB", "IE", 800, 500, Quote{Zone: "Ireland", Fee: 699, Currency: "GBP"}},
		{"free-eligible listed zone", "GB", "IE", 800, 2000, Quote{Zone: "Ireland", Currency: "GBP", Free: true}},
		{"cross-border zone is not free", "GB", "US", 800, 100000, Quote{Zone: "Overseas", Fee: 1299, Currency: "GBP", CrossBorder: true}},
		{"cross-border per extra kilogram", "GB", "US", 3500, 500, Quote{Zone: "Overseas", Fee: 1899, Currency: "GBP", CrossBorder: true}},
		{"destination in any case", "gb", " de ", 800, 500, Quote{Zone: "Overseas", Fee: 1299, Currency: "GBP", CrossBorder: true}},
		{"domestic follows the ships-from country", "DE", "DE", 800, 500, Quote{Zone: "Domestic", Fee: 399, Currency: "GBP"}},
	}
	card := testCard()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := card.Quote(tt.from, tt.to, tt.grams, tt.subtotal)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Quote(%s→%s, %d g, subtotal %d) (-want +got):\n%s", tt.from, tt.to, tt.grams, tt.subtotal, diff)
			}
		})
	}
}

func TestQuoteRefuses(t *testing.T) {
	broken := testCard()
	broken.Zones[0].Bands = nil
	tests := []struct {
		name     string
		card     RateCard
		from, to string
		grams    int
		subtotal int64
		field    string
		message  string
	}{
		{"a destination no zone covers", testCard(), "GB", "FR", 100, 500, "destination", "this shop does not ship to FR; it ships to DE, GB, IE, US"},
		{"the ships-from country without a domestic zone", RateCard{Currency: "GBP", Zones: testCard().Zones[1:]}, "GB", "GB", 100, 500, "destination", "does not ship to GB; it ships to DE, IE, US"},
		{"a destination that is no country code", testCard(), "GB", "GBR", 100, 500, "destination", `destination "GBR" must be an ISO 3166-1 country code`},
		{"over the last band without a per-kg rate", testCard(), "GB", "IE", 1001, 500, "weight_grams", `a parcel of 1001 g is over the heaviest band of zone "Ireland" (1000 g)`},
		{"too heavy even when free", testCard(), "GB", "IE", 1001, 5000, "weight_grams", "the shop takes no heavier parcels there"},
		{"a negative weight", testCard(), "GB", "GB", -1, 500, "weight_grams", "between 0 and 1000000 g"},
		{"over a tonne", testCard(), "GB", "GB", MaxWeightGrams + 1, 500, "weight_grams", "between 0 and 1000000 g"},
		{"a negative subtotal", testCard(), "GB", "GB", 100, -1, "subtotal", "cannot be negative"},
		{"an invalid card", broken, "GB", "GB", 100, 500, "zones[0].bands", "needs at least one weight band"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := tt.card.Quote(tt.from, tt.to, tt.grams, tt.subtotal)
			if err == nil {
				t.Fatalf("Quote = %+v, want an error", q)
			}
			checkInvalid(t, err, tt.field, tt.message)
		})
	}
}

func checkInvalid(t *testing.T, err error, field, message string) {
	t.Helper()
	if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != field || !strings.Contains(loopshop.ErrorMessage(err), message) {
		t.Errorf("error %v;\nwant %s on field %q with a message containing %q", err, loopshop.EINVALID, field, message)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(c *RateCard)
		field   string
		message string
	}{
		{"currency in lower case", func(c *RateCard) { c.Currency = "gbp" }, "currency", `currency "gbp" must be an ISO 4217 code`},
		{"negative threshold", func(c *RateCard) { c.FreeOver = -1 }, "free_over", "between 0 (none) and"},
		{"no zones", func(c *RateCard) { c.Zones = nil }, "zones", "at least one zone"},
		{"too many zones", func(c *RateCard) {
			for len(c.Zones) <= MaxZones {
				z := c.Zones[1]
				z.Name = "Zone " + string(rune('A'+len(c.Zones)))
				z.Countries = []string{"Q" + string(rune('A'+len(c.Zones)))}
				c.Zones = append(c.Zones, z)
			}
		}, "zones", "at most 20 zones; it has 21"},
		{"empty zone name", func(c *RateCard) { c.Zones[1].Name = "" }, "zones[1].name", "zone 2 needs a name of 1 to 40 characters"},
		{"padded zone name", func(c *RateCard) { c.Zones[1].Name = " Ireland" }, "zones[1].name", "without surrounding spaces"},
		{"zone name too long", func(c *RateCard) { c.Zones[1].Name = strings.Repeat("é", MaxZoneName+1) }, "zones[1].name", "1 to 40 characters"},
		{"zone name used twice", func(c *RateCard) { c.Zones[2].Name = "ireland" }, "zones[2].name", `zone name "ireland" is already used by zone 2`},
		{"two domestic zones", func(c *RateCard) { c.Zones[1].Domestic, c.Zones[1].Countries = true, nil }, "zones[1].domestic", `zone "Ireland" is domestic, and so is zone "Domestic"`},
		{"domestic zone listing countries", func(c *RateCard) { c.Zones[0].Countries = []string{"GB"} }, "zones[0].countries", "lists no countries"},
		{"domestic and cross-border", func(c *RateCard) { c.Zones[0].CrossBorder = true }, "zones[0].cross_border", "cannot be cross-border"},
		{"zone without countries", func(c *RateCard) { c.Zones[1].Countries = nil }, "zones[1].countries", `zone "Ireland" lists no countries`},
		{"country in lower case", func(c *RateCard) { c.Zones[2].Countries[1] = "de" }, "zones[2].countries[1]", `country "de" must be an ISO 3166-1 code`},
		{"country of three letters", func(c *RateCard) { c.Zones[1].Countries[0] = "IRL" }, "zones[1].countries[0]", `country "IRL"`},
		{"country twice in a zone", func(c *RateCard) { c.Zones[2].Countries = []string{"US", "US"} }, "zones[2].countries[1]", "lists US twice"},
		{"country in two zones", func(c *RateCard) { c.Zones[2].Countries = []string{"US", "IE"} }, "zones[2].countries[1]", `IE is in zone "Ireland" and in zone "Overseas"`},
		{"zone without bands", func(c *RateCard) { c.Zones[2].Bands = nil }, "zones[2].bands", "at least one weight band"},
		{"too many bands", func(c *RateCard) {
			c.Zones[1].Bands = nil
			for i := range MaxBands + 1 {
				c.Zones[1].Bands = append(c.Zones[1].Bands, Band{UpToGrams: 100 * (i + 1), Fee: 100})
			}
		}, "zones[1].bands", "has 21 weight bands; at most 20"},
		{"band of zero grams", func(c *RateCard) { c.Zones[0].Bands[0].UpToGrams = 0 }, "zones[0].bands[0].up_to_grams", "between 1 and 1000000 g; it is 0 g"},
		{"band over a tonne", func(c *RateCard) { c.Zones[0].Bands[2].UpToGrams = MaxWeightGrams + 1 }, "zones[0].bands[2].up_to_grams", "between 1 and 1000000 g"},
		{"bands out of order", func(c *RateCard) { c.Zones[0].Bands[1].UpToGrams = 400 }, "zones[0].bands[1].up_to_grams", "400 g must be above the band before it (500 g)"},
		{"two bands with one limit", func(c *RateCard) { c.Zones[0].Bands[1].UpToGrams = 500 }, "zones[0].bands[1].up_to_grams", "list bands from lightest to heaviest"},
		{"negative fee", func(c *RateCard) { c.Zones[0].Bands[2].Fee = -1 }, "zones[0].bands[2].fee", `zone "Domestic", band 3: the fee must be between 0 and`},
		{"huge fee", func(c *RateCard) { c.Zones[0].Bands[2].Fee = MaxAmount + 1 }, "zones[0].bands[2].fee", "the fee must be between 0 and 1000000000"},
		{"negative per-kg fee", func(c *RateCard) { c.Zones[2].PerExtraKg = -5 }, "zones[2].per_extra_kg", "between 0 (heavier parcels refused) and"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCard()
			tt.edit(&c)
			checkInvalid(t, c.Validate(), tt.field, tt.message)
		})
	}
	if err := testCard().Validate(); err != nil {
		t.Errorf("the test card: %v", err)
	}
}

func markets() map[string]market.Market {
	out := map[string]market.Market{}
	for _, m := range market.Defaults() {
		out[m.Code] = m
	}
	return out
}

func TestValidateForChecksTheMarketCurrency(t *testing.T) {
	m := markets()
	if err := testCard().ValidateFor(m["GB"]); err != nil {
		t.Errorf("GBP card in GB: %v", err)
	}
	checkInvalid(t, testCard().ValidateFor(m["DE"]), "currency", "the rate card is priced in GBP, but DE sells in EUR")
}

func TestDefaultCardsAreValidForEveryMarket(t *testing.T) {
	for _, m := range market.Defaults() {
		for _, from := range []string{"", m.Code, "CN"} {
			c := Default(m, from)
			if err := c.ValidateFor(m); err != nil {
				t.Errorf("Default(%s, %q): %v", m.Code, from, err)
			}
			q, err := c.Quote(orDefault(from, m.Code), m.Code, 12_500, 0)
			if err != nil || q.Fee <= 0 {
				t.Errorf("Default(%s, %q): a 12.5 kg parcel to %s: %+v, %v; want a fee", m.Code, from, m.Code, q, err)
			}
		}
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestDefaultPricesInTheMarketsMinorUnit(t *testing.T) {
	m := markets()
	tests := []struct {
		market   market.Market
		from     string
		grams    int
		subtotal int64
		want     Quote
	}{
		{m["GB"], "GB", 300, 1000, Quote{Zone: "Domestic", Fee: 299, Currency: "GBP"}},
		{m["GB"], "GB", 12_001, 1000, Quote{Zone: "Domestic", Fee: 899 + 3*100, Currency: "GBP"}},
		{m["GB"], "GB", 300, 2000, Quote{Zone: "Domestic", Currency: "GBP", Free: true}},
		{m["GB"], "CN", 300, 2000, Quote{Zone: "Cross-border", Fee: 499, Currency: "GBP", CrossBorder: true}},
		{m["DE"], "DE", 1500, 1000, Quote{Zone: "Domestic", Fee: 449, Currency: "EUR"}},
		{m["US"], "US", 300, 3499, Quote{Zone: "Domestic", Fee: 499, Currency: "USD"}},
		{m["ID"], "ID", 300, 50000, Quote{Zone: "Domestic", Fee: 10000, Currency: "IDR"}}, // IDR has no minor unit in CLDR
		{m["ID"], "ID", 300, 100000, Quote{Zone: "Domestic", Currency: "IDR", Free: true}},
		{m["ID"], "CN", 300, 100000, Quote{Zone: "Cross-border", Fee: 25000, Currency: "IDR", CrossBorder: true}},
		{market.Market{Code: "KW", Currency: "KWD"}, "KW", 300, 0, Quote{Zone: "Domestic", Fee: 3000, Currency: "KWD"}}, // 3 decimals, fallback tariff
	}
	for _, tt := range tests {
		t.Run(tt.market.Code+" from "+tt.from, func(t *testing.T) {
			got, err := Default(tt.market, tt.from).Quote(tt.from, tt.market.Code, tt.grams, tt.subtotal)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%d g, subtotal %d (-want +got):\n%s", tt.grams, tt.subtotal, diff)
			}
		})
	}
}

func TestBadge(t *testing.T) {
	m := markets()
	gb := Default(m["GB"], "GB")
	tests := []struct {
		name     string
		card     RateCard
		from, to string
		price    int64
		want     Badge
	}{
		{"under the threshold", gb, "GB", "GB", 1500, Badge{Threshold: money.New(2000, "GBP")}},
		{"the price alone meets it", gb, "GB", "GB", 2000, Badge{Threshold: money.New(2000, "GBP"), Free: true}},
		{"cross-border shop", Default(m["GB"], "CN"), "CN", "GB", 5000, Badge{}},
		{"no threshold", RateCard{Currency: "GBP", Zones: gb.Zones}, "GB", "GB", 5000, Badge{}},
		{"a destination the shop does not ship to", gb, "GB", "FR", 5000, Badge{}},
		{"an invalid card", RateCard{FreeOver: 100}, "GB", "GB", 5000, Badge{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.card.Badge(tt.from, tt.to, tt.price)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.Offered() != (tt.want.Threshold.Amount > 0) {
				t.Errorf("Offered() = %v", got.Offered())
			}
		})
	}
}

type fakeStore struct {
	card *RateCard
	err  error
}

func (f fakeStore) RateCard(context.Context, string) (*RateCard, error) { return f.card, f.err }
func (f fakeStore) SetRateCard(context.Context, string, string, RateCard, time.Time) error {
	return nil
}

func TestCardOfFallsBackToTheDefault(t *testing.T) {
	ctx := context.Background()
	gb := markets()["GB"]
	own := testCard()
	got, err := CardOf(ctx, fakeStore{card: &own}, gb, "shp_gb_x", "GB")
	if err != nil || !cmp.Equal(got, own) {
		t.Errorf("shop with a card: %+v, %v; want its card", got, err)
	}
	got, err = CardOf(ctx, fakeStore{err: loopshop.ErrNotFound}, gb, "shp_gb_x", "CN")
	if err != nil || !cmp.Equal(got, Default(gb, "CN")) {
		t.Errorf("shop without a card: %+v, %v; want the default", got, err)
	}
	down := errors.New("database down")
	if _, err := CardOf(ctx, fakeStore{err: down}, gb, "shp_gb_x", "GB"); !errors.Is(err, down) {
		t.Errorf("store failing: %v; want its error", err)
	}
}

func TestRateCardJSONRoundTrips(t *testing.T) {
	b, err := json.Marshal(testCard())
	if err != nil {
		t.Fatal(err)
	}
	var got RateCard
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testCard(), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Cards come from sellers: whatever they hold, Validate and Quote must not
// panic, an invalid card quotes nothing, and a valid card never quotes a
// negative fee.
func FuzzQuote(f *testing.F) {
	seed := func(c RateCard, from, to string, grams int, subtotal int64) {
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, from, to, grams, subtotal)
	}
	seed(testCard(), "GB", "GB", 501, 1999)
	seed(testCard(), "GB", "IE", 1001, 2000)
	seed(testCard(), "GB", "US", 5000, 0)
	for _, m := range market.Defaults() {
		seed(Default(m, "CN"), "CN", m.Code, 10_001, 100)
	}
	f.Fuzz(func(t *testing.T, cardJSON []byte, from, to string, grams int, subtotal int64) {
		var c RateCard
		if json.Unmarshal(cardJSON, &c) != nil {
			return
		}
		valid := c.Validate()
		q, err := c.Quote(from, to, grams, subtotal)
		c.Badge(from, to, subtotal)
		if err != nil {
			if code := loopshop.ErrorCode(err); code != loopshop.EINVALID {
				t.Fatalf("Quote error of kind %s, want %s: %v", code, loopshop.EINVALID, err)
			}
			return
		}
		if valid != nil {
			t.Fatalf("an invalid card (%v) quoted %+v", valid, q)
		}
		if q.Fee < 0 || (q.Free && q.Fee != 0) || q.Currency != c.Currency || q.Zone == "" {
			t.Fatalf("card %s quoted %+v", cardJSON, q)
		}
	})
}

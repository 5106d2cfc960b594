// Package shipping prices the delivery of an order: each shop has a rate
// card of zones (where it ships), weight bands (what a parcel costs by
// weight) and a free-shipping threshold, and a quote picks the zone of the
// buyer's address and the band of the parcel's weight.
//
// Cards are per shop, not per market, because an order is one shop's
// parcel (a multi-shop cart splits at checkout) and what a parcel costs
// depends on where that shop ships from and which carrier it uses: a shop
// shipping from inside its market pays domestic postage, a cross-border
// shop pays international postage and customs. Free shipping over a
// threshold is the shop's promotion, paid out of its margin, so the shop
// chooses which zones it applies to. A shop that has set no card sells with
// Default, the platform's card for its market, so a new shop can sell at
// once.
//
// Fees are what the buyer pays, in the card's currency (the market's) and
// in the market's tax convention: in a tax-inclusive market the fee
// includes tax, and checkout taxes it as one more order line.
package shipping

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// RateCard is a shop's shipping prices. Amounts are minor units of Currency.
type RateCard struct {
	Currency string `json:"currency"`
	Zones    []Zone `json:"zones"`
	// FreeOver is the order subtotal at or above which shipping is free in
	// the zones that allow it; 0: no free shipping.
	FreeOver int64 `json:"free_over,omitempty"`
}

// Zone is a set of destinations priced alike.
type Zone struct {
	Name string `json:"name"`
	// Domestic makes the zone cover the country the shop ships from,
	// whichever that is; a card has at most one domestic zone, and it
	// lists no Countries.
	Domestic bool `json:"domestic,omitempty"`
	// Countries are the destinations of a non-domestic zone, as ISO 3166-1
	// alpha-2 codes ("DE"). A country belongs to at most one zone.
	Countries []string `json:"countries,omitempty"`
	// CrossBorder marks parcels to this zone as crossing a customs border,
	// which checkout tells the buyer about (longer delivery, possible
	// duties). A domestic zone is never cross-border.
	CrossBorder bool `json:"cross_border,omitempty"`
	// Bands price parcels by weight, lightest first.
	Bands []Band `json:"bands"`
	// PerExtraKg is added for every started kilogram above the last band;
	// 0: heavier parcels are refused.
	PerExtraKg int64 `json:"per_extra_kg,omitempty"`
	// FreeShippingEligible lets the card's FreeOver threshold apply here.
	FreeShippingEligible bool `json:"free_shipping_eligible,omitempty"`
}

// Band is the fee for a parcel weighing up to UpToGrams, inclusive, and more
// than the band before it.
type Band struct {
	UpToGrams int   `json:"up_to_grams"`
	Fee       int64 `json:"fee"`
}

// Limits of a rate card. The amount and weight bounds keep every fee a
// quote can compute far inside int64.
const (
	MaxZones       = 20
	MaxBands       = 20
	MaxZoneName    = 40            // characters
	MaxCountries   = 250           // per zone: every country there is
	MaxWeightGrams = 1_000_000     // one tonne: a band's limit and a parcel's weight
	MaxAmount      = 1_000_000_000 // minor units: a fee, a per-kg fee or a threshold (10 million GBP; 1 billion IDR)
)

var (
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// Validate reports the first thing wrong with the card, naming the field
// ("zones[1].bands[0].fee") and saying what to change.
func (c RateCard) Validate() error {
	if !currencyRE.MatchString(c.Currency) {
		return loopshop.Invalid("currency", "currency %q must be an ISO 4217 code in upper case, e.g. GBP", c.Currency)
	}
	if c.FreeOver < 0 || c.FreeOver > MaxAmount {
		return loopshop.Invalid("free_over", "the free-shipping threshold must be between 0 (none) and %d minor units; it is %d", int64(MaxAmount), c.FreeOver)
	}
	switch n := len(c.Zones); {
	case n == 0:
		return loopshop.Invalid("zones", "a rate card needs at least one zone, or the shop ships nowhere; add a domestic zone")
	case n > MaxZones:
		return loopshop.Invalid("zones", "a rate card has at most %d zones; it has %d, so merge zones priced alike", MaxZones, n)
	}
	names := map[string]int{}
	countries := map[string]int{}
	domestic := -1
	for i, z := range c.Zones {
		if err := z.validate(i); err != nil {
			return err
		}
		key := strings.ToLower(strings.TrimSpace(z.Name))
		if j, dup := names[key]; dup {
			return loopshop.Invalid(fmt.Sprintf("zones[%d].name", i), "zone name %q is already used by zone %d; give each zone its own name", z.Name, j+1)
		}
		names[key] = i
		if z.Domestic {
			if domestic >= 0 {
				return loopshop.Invalid(fmt.Sprintf("zones[%d].domestic", i), "zone %q is domestic, and so is zone %q; a card has one domestic zone", z.Name, c.Zones[domestic].Name)
			}
			domestic = i
		}
		for k, cc := range z.Countries {
			if j, dup := countries[cc]; dup {
				return loopshop.Invalid(fmt.Sprintf("zones[%d].countries[%d]", i, k), "%s is in zone %q and in zone %q; a country belongs to one zone", cc, c.Zones[j].Name, z.Name)
			}
			countries[cc] = i
		}
	}
	return nil
}

func (z Zone) validate(i int) error {
	field := func(f string, args ...any) string { return fmt.Sprintf("zones[%d].", i) + fmt.Sprintf(f, args...) }
	name := strings.TrimSpace(z.Name)
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxZoneName || name != z.Name || !utf8.ValidString(z.Name) {
		return loopshop.Invalid(field("name"), "zone %d needs a name of 1 to %d characters without surrounding spaces, e.g. Domestic", i+1, MaxZoneName)
	}
	switch {
	case z.Domestic && len(z.Countries) > 0:
		return loopshop.Invalid(field("countries"), "zone %q is domestic: it covers the country the shop ships from and lists no countries; put other countries in a zone of their own", z.Name)
	case z.Domestic && z.CrossBorder:
		return loopshop.Invalid(field("cross_border"), "zone %q is domestic, so it cannot be cross-border", z.Name)
	case !z.Domestic && len(z.Countries) == 0:
		return loopshop.Invalid(field("countries"), "zone %q lists no countries; list the ISO codes it covers (e.g. DE, FR) or make it the domestic zone", z.Name)
	case len(z.Countries) > MaxCountries:
		return loopshop.Invalid(field("countries"), "zone %q lists %d countries; at most %d", z.Name, len(z.Countries), MaxCountries)
	}
	for k, cc := range z.Countries {
		if !countryRE.MatchString(cc) {
			return loopshop.Invalid(field("countries[%d]", k), "zone %q: country %q must be an ISO 3166-1 code of two upper-case letters, e.g. DE", z.Name, cc)
		}
		if slices.Contains(z.Countries[:k], cc) {
			return loopshop.Invalid(field("countries[%d]", k), "zone %q lists %s twice", z.Name, cc)
		}
	}
	switch n := len(z.Bands); {
	case n == 0:
		return loopshop.Invalid(field("bands"), "zone %q needs at least one weight band, e.g. up to 2000 g", z.Name)
	case n > MaxBands:
		return loopshop.Invalid(field("bands"), "zone %q has %d weight bands; at most %d", z.Name, n, MaxBands)
	}
	for k, b := range z.Bands {
		switch {
		case b.UpToGrams <= 0 || b.UpToGrams > MaxWeightGrams:
			return loopshop.Invalid(field("bands[%d].up_to_grams", k), "zone %q, band %d: the weight limit must be between 1 and %d g; it is %d g", z.Name, k+1, MaxWeightGrams, b.UpToGrams)
		case k > 0 && b.UpToGrams <= z.Bands[k-1].UpToGrams:
			return loopshop.Invalid(field("bands[%d].up_to_grams", k), "zone %q, band %d: %d g must be above the band before it (%d g); list bands from lightest to heaviest", z.Name, k+1, b.UpToGrams, z.Bands[k-1].UpToGrams)
		case b.Fee < 0 || b.Fee > MaxAmount:
			return loopshop.Invalid(field("bands[%d].fee", k), "zone %q, band %d: the fee must be between 0 and %d minor units; it is %d", z.Name, k+1, int64(MaxAmount), b.Fee)
		}
	}
	if z.PerExtraKg < 0 || z.PerExtraKg > MaxAmount {
		return loopshop.Invalid(field("per_extra_kg"), "zone %q: the fee per extra kilogram must be between 0 (heavier parcels refused) and %d minor units; it is %d", z.Name, int64(MaxAmount), z.PerExtraKg)
	}
	return nil
}

// ValidateFor is Validate plus the card being priced in m's currency.
func (c RateCard) ValidateFor(m market.Market) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Currency != m.Currency {
		return loopshop.Invalid("currency", "the rate card is priced in %s, but %s sells in %s; price it in %s", c.Currency, m.Code, m.Currency, m.Currency)
	}
	return nil
}

// Quote is what shipping one parcel costs the buyer.
type Quote struct {
	Zone        string `json:"zone"`
	Fee         int64  `json:"fee"` // minor units of Currency; 0 when Free
	Currency    string `json:"currency"`
	Free        bool   `json:"free"` // the free-shipping threshold was met
	CrossBorder bool   `json:"cross_border"`
}

// Quote prices a parcel of weightGrams from shipsFrom to destination (ISO
// country codes) for an order whose subtotal (minor units, before
// shipping) may meet the free-shipping threshold. The destination is in
// the domestic zone when it is the ships-from country, and otherwise in
// the zone that lists it. A parcel heavier than the last band costs the
// last band's fee plus PerExtraKg for every started kilogram above it.
func (c RateCard) Quote(shipsFrom, destination string, weightGrams int, subtotal int64) (Quote, error) {
	if err := c.Validate(); err != nil {
		return Quote{}, err
	}
	switch {
	case weightGrams < 0 || weightGrams > MaxWeightGrams:
		return Quote{}, loopshop.Invalid("weight_grams", "a parcel must weigh between 0 and %d g; it weighs %d g", MaxWeightGrams, weightGrams)
	case subtotal < 0:
		return Quote{}, loopshop.Invalid("subtotal", "the order subtotal cannot be negative; it is %d", subtotal)
	}
	z, err := c.zone(shipsFrom, destination)
	if err != nil {
		return Quote{}, err
	}
	// A parcel the zone does not take is refused even when shipping
	// would be free.
	fee, err := z.fee(weightGrams)
	if err != nil {
		return Quote{}, err
	}
	q := Quote{Zone: z.Name, Fee: fee, Currency: c.Currency, CrossBorder: z.CrossBorder}
	if c.FreeOver > 0 && z.FreeShippingEligible && subtotal >= c.FreeOver {
		q.Fee, q.Free = 0, true
	}
	return q, nil
}

// zone returns the zone covering destination for a shop shipping from
// shipsFrom.
func (c RateCard) zone(shipsFrom, destination string) (*Zone, error) {
	dest := strings.ToUpper(strings.TrimSpace(destination))
	from := strings.ToUpper(strings.TrimSpace(shipsFrom))
	if !countryRE.MatchString(dest) {
		return nil, loopshop.Invalid("destination", "destination %q must be an ISO 3166-1 country code, e.g. GB", destination)
	}
	if dest == from {
		for i := range c.Zones {
			if c.Zones[i].Domestic {
				return &c.Zones[i], nil
			}
		}
	}
	for i := range c.Zones {
		if slices.Contains(c.Zones[i].Countries, dest) {
			return &c.Zones[i], nil
		}
	}
	return nil, loopshop.Invalid("destination", "this shop does not ship to %s; it ships to %s", dest, strings.Join(c.destinations(from), ", "))
}

// destinations lists the countries the card covers, for messages.
func (c RateCard) destinations(shipsFrom string) []string {
	var out []string
	for _, z := range c.Zones {
		if z.Domestic && countryRE.MatchString(shipsFrom) {
			out = append(out, shipsFrom)
		}
		out = append(out, z.Countries...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fee returns the zone's price for a parcel of w grams.
func (z *Zone) fee(w int) (int64, error) {
	for _, b := range z.Bands {
		if w <= b.UpToGrams {
			return b.Fee, nil
		}
	}
	last := z.Bands[len(z.Bands)-1]
	if z.PerExtraKg == 0 {
		return 0, loopshop.Invalid("weight_grams", "a parcel of %d g is over the heaviest band of zone %q (%d g), and the shop takes no heavier parcels there; split the order into lighter parcels", w, z.Name, last.UpToGrams)
	}
	extraKg := int64((w - last.UpToGrams + 999) / 1000)
	return last.Fee + extraKg*z.PerExtraKg, nil
}

// Badge is what a product card says about shipping to the viewer: nothing
// (zero Threshold), "Free shipping over £20" (Threshold), or "Free
// shipping" (Free: the price alone meets the threshold). The UI formats it.
type Badge struct {
	Threshold money.Money `json:"threshold"`
	Free      bool        `json:"free"`
}

// Offered reports whether there is a free-shipping offer to show.
func (b Badge) Offered() bool { return b.Threshold.Amount > 0 }

// Badge returns the free-shipping badge for a product costing price, sold
// by a shop shipping from shipsFrom to a viewer in destination. It is empty
// when the card offers no free shipping there, or is not valid.
func (c RateCard) Badge(shipsFrom, destination string, price int64) Badge {
	if c.FreeOver <= 0 || c.Validate() != nil {
		return Badge{}
	}
	z, err := c.zone(shipsFrom, destination)
	if err != nil || !z.FreeShippingEligible {
		return Badge{}
	}
	return Badge{Threshold: money.New(c.FreeOver, c.Currency), Free: price >= c.FreeOver}
}

// Store is what shipping needs from storage.
type Store interface {
	// RateCard returns the shop's own card, or loopshop.ErrNotFound.
	RateCard(ctx context.Context, shopID string) (*RateCard, error)
	// SetRateCard saves the shop's card, replacing any it had.
	SetRateCard(ctx context.Context, shopID, market string, card RateCard, now time.Time) error
}

// CardOf returns the card a shop sells with: its own, or Default for its
// market when it has set none.
func CardOf(ctx context.Context, st Store, m market.Market, shopID, shipsFrom string) (RateCard, error) {
	c, err := st.RateCard(ctx, shopID)
	switch {
	case errors.Is(err, loopshop.ErrNotFound):
		return Default(m, shipsFrom), nil
	case err != nil:
		return RateCard{}, fmt.Errorf("rate card of shop %s: %w", shopID, err)
	}
	return *c, nil
}

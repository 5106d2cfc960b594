package shipping

import (
	"strings"

	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// defaultBands are the weight limits of the default cards: a large letter,
// a small parcel, a medium parcel and a heavy parcel.
var defaultBands = [4]int{500, 2000, 5000, 10000}

// tariff is a default card's prices in hundredths of the currency's major
// unit (299 is 2.99), whatever its minor unit: money.Exponent scales them.
type tariff struct {
	domestic, crossBorder     [4]int64 // per band
	domesticKg, crossBorderKg int64    // per extra kilogram over 10 kg
	freeOver                  int64    // domestic only
}

// tariffs are the platform's defaults per currency: round prices of the
// order of a tracked parcel by post, for sellers to adjust to their carrier.
var tariffs = map[string]tariff{
	"GBP": {domestic: [4]int64{299, 399, 599, 899}, domesticKg: 100, crossBorder: [4]int64{499, 799, 1299, 1999}, crossBorderKg: 250, freeOver: 2000},
	"EUR": {domestic: [4]int64{349, 449, 699, 999}, domesticKg: 100, crossBorder: [4]int64{599, 899, 1399, 2199}, crossBorderKg: 250, freeOver: 2500},
	"USD": {domestic: [4]int64{499, 699, 999, 1499}, domesticKg: 150, crossBorder: [4]int64{699, 999, 1599, 2499}, crossBorderKg: 300, freeOver: 3500},
	"IDR": {domestic: [4]int64{1000000, 1500000, 2500000, 4000000}, domesticKg: 500000, crossBorder: [4]int64{2500000, 4500000, 8000000, 13000000}, crossBorderKg: 1500000, freeOver: 10000000},
}

// fallbackTariff serves a currency the table lacks. Its round numbers of
// major units suit no currency in particular, so an operator adding a
// market in a new currency should add its tariff above.
var fallbackTariff = tariff{domestic: [4]int64{300, 500, 800, 1200}, domesticKg: 200, crossBorder: [4]int64{600, 1000, 1600, 2500}, crossBorderKg: 400, freeOver: 3000}

// Default returns the platform's card for a shop of market m shipping from
// shipsFrom ("" for m's own country): a domestic zone with free shipping
// over the market's threshold and, for a shop shipping from abroad, a
// cross-border zone covering the market at higher prices and without free
// shipping, since international postage would eat a seller's margin.
func Default(m market.Market, shipsFrom string) RateCard {
	t, ok := tariffs[m.Currency]
	if !ok {
		t = fallbackTariff
	}
	scale := func(centi int64) int64 {
		exp := money.Exponent(m.Currency)
		for ; exp > 2; exp-- {
			centi *= 10
		}
		for ; exp < 2; exp++ {
			centi /= 10
		}
		return centi
	}
	bands := func(fees [4]int64) []Band {
		out := make([]Band, len(fees))
		for i, f := range fees {
			out[i] = Band{UpToGrams: defaultBands[i], Fee: scale(f)}
		}
		return out
	}
	card := RateCard{
		Currency: m.Currency,
		FreeOver: scale(t.freeOver),
		Zones: []Zone{{
			Name: "Domestic", Domestic: true, Bands: bands(t.domestic), PerExtraKg: scale(t.domesticKg),
			FreeShippingEligible: true,
		}},
	}
	from := strings.ToUpper(strings.TrimSpace(shipsFrom))
	if from != "" && from != m.Code {
		card.Zones = append(card.Zones, Zone{
			Name: "Cross-border", Countries: []string{m.Code}, CrossBorder: true,
			Bands: bands(t.crossBorder), PerExtraKg: scale(t.crossBorderKg),
		})
	}
	return card
}

package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/loopshop/loopshop/money"
)

// products.json is DummyJSON's product database (MIT, see
// data/LICENSE.dummyjson.txt), embedded so that a fresh clone seeds
// without network or files beside the binary.
//
//go:embed data/dummyjson-products.json
var productsJSON []byte

// item is one product of the DummyJSON catalogue, as much of it as the
// demo uses. Price stays a json.Number so that it is read as a decimal
// string and never passes through a float.
type item struct {
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Category    string      `json:"category"`
	Brand       string      `json:"brand"`
	SKU         string      `json:"sku"`
	Price       json.Number `json:"price"`
	Stock       int64       `json:"stock"`
}

// minStock is the least stock a demo product starts with: DummyJSON
// lists a few products with none, and a demo where the product in a video
// cannot be bought shows nothing of checkout.
const minStock = 10

// loadCatalog parses the embedded catalogue.
func loadCatalog() ([]item, error) {
	var items []item
	if err := json.Unmarshal(productsJSON, &items); err != nil {
		return nil, fmt.Errorf("demo catalogue: %w", err)
	}
	return items, nil
}

// usdRatesE4 are the fixed demo exchange rates from US dollars, in units
// of 1/10,000: 7900 is 0.79. Demo prices do not follow real rates.
var usdRatesE4 = map[string]int64{
	"USD": 10000,
	"GBP": 7900,
	"EUR": 9200,
	"IDR": 160000000,
}

// localPrice converts a US-dollar price such as "9.99" into a shop price
// in the minor units of cur, rounded to a price a shop would ask: up to
// the next whole unit less one minor unit (£7.89 → £7.99), or, for a
// currency without minor units, to the nearest thousand (Rp 159,840 →
// Rp 160,000).
func localPrice(usd, cur string) (int64, error) {
	rate, ok := usdRatesE4[cur]
	if !ok {
		return 0, fmt.Errorf("no demo exchange rate for %s", cur)
	}
	m, err := money.Parse(usd, "USD")
	if err != nil {
		return 0, err
	}
	// amount in cur's minor units = cents × rate × 10^exp(cur) / (10^4 × 10^2)
	exp := money.Exponent(cur)
	num := m.Amount * rate * pow10(exp)
	den := int64(10000) * pow10(money.Exponent("USD"))
	amount := (num + den - 1) / den // rounded up
	if exp == 0 {
		nice := (amount + 500) / 1000 * 1000
		return max(nice, 1000), nil
	}
	unit := pow10(exp)
	return (amount+unit-1)/unit*unit - 1, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// imageKey is where a demo product's picture is stored. Products get
// their ID only when created, and the image must be stored first, so
// the key follows the catalogue's SKU, which is unique across the demo.
func imageKey(sku string) string {
	return "products/demo/" + strings.ToLower(sku) + ".png"
}

// Package market describes the countries loopshop sells in: each market's
// currency, locale, tax and the switches that roll capabilities out market
// by market (shop open, live commerce, the closed-loop cut-over date), and
// the region whose database holds everything of that market.
package market

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
)

// Market is one country a shop sells in and a buyer shops in.
type Market struct {
	Code     string `json:"code"`     // ISO 3166-1 alpha-2, upper case: "GB"
	Name     string `json:"name"`     // "United Kingdom"
	Region   string `json:"region"`   // the data cell that stores the market: "eu"
	Currency string `json:"currency"` // ISO 4217: "GBP"
	Locale   string `json:"locale"`   // BCP 47: "en-GB"
	// TaxRateBPS is the standard consumption-tax rate in basis points
	// (2000 = 20 %). TaxInclusive says whether listed prices include it, as
	// they must for consumers in the EU and GB.
	TaxRateBPS   int  `json:"tax_rate_bps"`
	TaxInclusive bool `json:"tax_inclusive"`
	// ShopOpen lets buyers and sellers trade; a market being rolled out has
	// it off. LiveCommerce allows shopping in live rooms.
	ShopOpen     bool `json:"shop_open"`
	LiveCommerce bool `json:"live_commerce"`
	// ClosedLoopFrom is the cut-over date from which user text carrying
	// off-platform links is refused rather than warned about. Zero: never.
	ClosedLoopFrom time.Time `json:"closed_loop_from"`
}

// ClosedLoop reports whether the closed-loop rules are enforced at t.
func (m Market) ClosedLoop(t time.Time) bool {
	return !m.ClosedLoopFrom.IsZero() && !t.Before(m.ClosedLoopFrom)
}

var (
	codeRE     = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	regionRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
)

// Validate reports the first thing wrong with m.
func (m Market) Validate() error {
	switch {
	case !codeRE.MatchString(m.Code):
		return loopshop.Invalid("code", "market code %q must be two upper-case letters (ISO 3166-1), e.g. GB", m.Code)
	case !regionRE.MatchString(m.Region):
		return loopshop.Invalid("region", "market %s: region %q must be lower-case letters, digits and dashes, e.g. eu", m.Code, m.Region)
	case !currencyRE.MatchString(m.Currency):
		return loopshop.Invalid("currency", "market %s: currency %q must be an ISO 4217 code, e.g. GBP", m.Code, m.Currency)
	case m.Locale == "":
		return loopshop.Invalid("locale", "market %s: locale is required, e.g. en-GB", m.Code)
	case m.TaxRateBPS < 0 || m.TaxRateBPS > 10000:
		return loopshop.Invalid("tax_rate_bps", "market %s: tax rate %d bps is outside 0..10000", m.Code, m.TaxRateBPS)
	}
	return nil
}

// Set is the markets a deployment serves, looked up by code.
type Set struct {
	byCode map[string]Market
	codes  []string
}

// NewSet checks every market and returns them as a Set.
func NewSet(markets []Market) (*Set, error) {
	s := &Set{byCode: make(map[string]Market, len(markets))}
	for _, m := range markets {
		if err := m.Validate(); err != nil {
			return nil, err
		}
		if _, dup := s.byCode[m.Code]; dup {
			return nil, loopshop.Invalid("markets", "market %s is configured twice", m.Code)
		}
		s.byCode[m.Code] = m
		s.codes = append(s.codes, m.Code)
	}
	sort.Strings(s.codes)
	return s, nil
}

// Get returns the market with the given code, in any letter case.
func (s *Set) Get(code string) (Market, error) {
	m, ok := s.byCode[strings.ToUpper(code)]
	if !ok {
		return Market{}, loopshop.Errorf(loopshop.ENOTFOUND, "market %q is not served here; served markets: %s", code, strings.Join(s.codes, ", "))
	}
	return m, nil
}

// All returns every market, sorted by code.
func (s *Set) All() []Market {
	out := make([]Market, 0, len(s.codes))
	for _, c := range s.codes {
		out = append(out, s.byCode[c])
	}
	return out
}

// Regions returns the distinct regions the markets are assigned to, sorted.
func (s *Set) Regions() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range s.byCode {
		if !seen[m.Region] {
			seen[m.Region] = true
			out = append(out, m.Region)
		}
	}
	sort.Strings(out)
	return out
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Defaults returns the markets a fresh install serves: the European markets
// in region eu, the US in us and Indonesia in sea. Shop is open in every
// market but Ireland (shown as a market still waiting for its roll-out) and
// live commerce runs where TikTok Shop ran it first.
func Defaults() []Market {
	return []Market{
		{Code: "GB", Name: "United Kingdom", Region: "eu", Currency: "GBP", Locale: "en-GB", TaxRateBPS: 2000, TaxInclusive: true, ShopOpen: true, LiveCommerce: true, ClosedLoopFrom: date(2023, 9, 12)},
		{Code: "DE", Name: "Germany", Region: "eu", Currency: "EUR", Locale: "de-DE", TaxRateBPS: 1900, TaxInclusive: true, ShopOpen: true, ClosedLoopFrom: date(2025, 3, 31)},
		{Code: "FR", Name: "France", Region: "eu", Currency: "EUR", Locale: "fr-FR", TaxRateBPS: 2000, TaxInclusive: true, ShopOpen: true, ClosedLoopFrom: date(2025, 3, 31)},
		{Code: "ES", Name: "Spain", Region: "eu", Currency: "EUR", Locale: "es-ES", TaxRateBPS: 2100, TaxInclusive: true, ShopOpen: true, ClosedLoopFrom: date(2024, 12, 11)},
		{Code: "IT", Name: "Italy", Region: "eu", Currency: "EUR", Locale: "it-IT", TaxRateBPS: 2200, TaxInclusive: true, ShopOpen: true, ClosedLoopFrom: date(2025, 3, 31)},
		{Code: "IE", Name: "Ireland", Region: "eu", Currency: "EUR", Locale: "en-IE", TaxRateBPS: 2300, TaxInclusive: true, ShopOpen: false, ClosedLoopFrom: date(2024, 12, 11)},
		{Code: "US", Name: "United States", Region: "us", Currency: "USD", Locale: "en-US", TaxRateBPS: 0, TaxInclusive: false, ShopOpen: true, LiveCommerce: true, ClosedLoopFrom: date(2023, 9, 12)},
		{Code: "ID", Name: "Indonesia", Region: "sea", Currency: "IDR", Locale: "id-ID", TaxRateBPS: 1100, TaxInclusive: true, ShopOpen: true, LiveCommerce: true, ClosedLoopFrom: date(2023, 8, 31)},
	}
}

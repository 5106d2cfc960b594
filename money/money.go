// Package money represents amounts as integer minor units with an ISO 4217
// currency, never floats, and does the arithmetic that keeps them exact.
package money

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"github.com/loopshop/loopshop"
)

// Money is an amount in the currency's minor unit: {1299, "GBP"} is £12.99.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// New returns amount minor units of cur.
func New(amount int64, cur string) Money { return Money{Amount: amount, Currency: cur} }

// Exponent returns how many decimal places cur's minor unit has (2 for
// GBP, 0 for JPY), from CLDR's data; 2 for a code CLDR does not know.
func Exponent(cur string) int {
	u, err := currency.ParseISO(cur)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// Add returns m + o; the currencies must match.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, loopshop.Errorf(loopshop.EINVALID, "cannot add %s to %s", o.Currency, m.Currency)
	}
	return Money{Amount: m.Amount + o.Amount, Currency: m.Currency}, nil
}

// String formats m with its currency code and decimal places: "GBP 12.99".
func (m Money) String() string {
	return m.Currency + " " + m.Decimal()
}

// Decimal formats the amount alone with the currency's decimal places: "12.99".
func (m Money) Decimal() string {
	exp := Exponent(m.Currency)
	neg := m.Amount < 0
	a := m.Amount
	if neg {
		a = -a
	}
	s := strconv.FormatInt(a, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Parse reads a decimal amount such as "12.99" in cur, refusing more
// decimal places than the currency has rather than rounding.
func Parse(s, cur string) (Money, error) {
	exp := Exponent(cur)
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return Money{}, fmt.Errorf("amount %q: write a non-negative decimal such as 12.99", s)
	}
	if len(frac) > exp {
		return Money{}, fmt.Errorf("amount %q has more than %d decimal places for %s", s, exp, cur)
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 {
		return Money{}, fmt.Errorf("amount %q: write a non-negative decimal such as 12.99", s)
	}
	return Money{Amount: n, Currency: cur}, nil
}

package payment_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/payment"
)

// luhnValid is the fuzz target's oracle, written apart from the package's
// own check: 12 to 19 digits, spaces and hyphens ignored, whose Luhn sum
// (every second digit from the right doubled, digits of the product added)
// is a multiple of ten.
func luhnValid(s string) bool {
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(s) < 12 || len(s) > 19 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d = [...]int{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}[d]
		}
		sum += d
	}
	return sum%10 == 0
}

// FuzzCard feeds card numbers to TestCard: it never panics, and takes a
// number as a card number exactly when the number passes the Luhn check.
func FuzzCard(f *testing.F) {
	for _, s := range []string{
		"4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "4242424242424241",
		"5555555555554444", "4000000000000002", "", " ", "0000000000000", "424242424242424242424",
		"4242\x004242424242", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "+4242424242424242", "4242424242424242\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, number string) {
		p := &payment.TestCard{Now: june2026}
		c, err := p.Charge(context.Background(), cardCharge("k", card(number)))
		accepted := err == nil && c.DeclineCode != payment.DeclineIncorrectNumber
		if want := luhnValid(number); accepted != want {
			t.Fatalf("number %q: accepted %v (charge %+v, error %v), Luhn-valid %v", number, accepted, c, err, want)
		}
		if err == nil && accepted && c.Last4 == "" {
			t.Errorf("number %q accepted without its last four digits", number)
		}
	})
}

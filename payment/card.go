package payment

import (
	"strings"
	"time"

	"github.com/loopshop/loopshop"
)

// testCard is one of Stripe's published test cards: its number, the test
// PaymentMethod Stripe keeps for it, and the decline it provokes ("" for
// an approval). TestCard behaves as Stripe's test mode does for each, and
// the Stripe adapter sends the PaymentMethod in place of the number.
type testCard struct {
	number        string
	paymentMethod string
	brand         string
	decline       string
}

var testCards = []testCard{
	{"4242424242424242", "pm_card_visa", "visa", ""},
	{"5555555555554444", "pm_card_mastercard", "mastercard", ""},
	{"4000000000000002", "pm_card_chargeDeclined", "visa", DeclineCardDeclined},
	{"4000000000009995", "pm_card_chargeDeclinedInsufficientFunds", "visa", DeclineInsufficientFunds},
	{"4000000000000069", "pm_card_chargeDeclinedExpiredCard", "visa", DeclineExpiredCard},
	{"4000000000000127", "pm_card_chargeDeclinedIncorrectCvc", "visa", DeclineIncorrectCVC},
}

func testCardByNumber(number string) (testCard, bool) {
	for _, c := range testCards {
		if c.number == number {
			return c, true
		}
	}
	return testCard{}, false
}

func testCardByPaymentMethod(pm string) (testCard, bool) {
	for _, c := range testCards {
		if c.paymentMethod == pm {
			return c, true
		}
	}
	return testCard{}, false
}

// checkCard validates a card as a payment form would. Malformed input is
// an EINVALID error naming the field; a number that fails its check digit
// or an expiry in the past is a decline (incorrect_number, expired_card),
// as a card network would answer. On success it returns the bare digits.
func checkCard(c *Card, now time.Time) (number, decline string, err error) {
	if strings.TrimSpace(c.Number) == "" {
		return "", "", loopshop.Invalid("card.number", "enter the card number")
	}
	if c.ExpMonth < 1 || c.ExpMonth > 12 {
		return "", "", loopshop.Invalid("card.exp_month", "the expiry month must be 1 to 12, not %d", c.ExpMonth)
	}
	if c.ExpYear < 1000 || c.ExpYear > 9999 {
		return "", "", loopshop.Invalid("card.exp_year", "write the expiry year with four digits, such as 2030, not %d", c.ExpYear)
	}
	if n := len(c.CVC); n < 3 || n > 4 || !allDigits(c.CVC) {
		return "", "", loopshop.Invalid("card.cvc", "the security code is the 3 or 4 digits printed on the card")
	}
	number, ok := cardNumber(c.Number)
	if !ok {
		return "", DeclineIncorrectNumber, nil
	}
	// A card is good through the last day of its expiry month.
	now = now.UTC()
	if c.ExpYear < now.Year() || c.ExpYear == now.Year() && time.Month(c.ExpMonth) < now.Month() {
		return number, DeclineExpiredCard, nil
	}
	return number, "", nil
}

// cardNumber returns s's digits and whether they form a card number: 12 to
// 19 digits whose Luhn check digit is right. Spaces and hyphens between
// digits, as buyers type them, are ignored.
func cardNumber(s string) (string, bool) {
	digits := make([]byte, 0, 19)
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= '0' && b <= '9':
			if len(digits) == 19 {
				return "", false
			}
			digits = append(digits, b)
		case b == ' ' || b == '-':
		default:
			return "", false
		}
	}
	if len(digits) < 12 || !luhn(digits) {
		return "", false
	}
	return string(digits), true
}

// luhn reports whether the last digit of ASCII digits is their check digit.
func luhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// cardBrand names a card's network from its leading digits; "" when unknown.
func cardBrand(number string) string {
	prefix := func(n int) int {
		v := 0
		for i := 0; i < n && i < len(number); i++ {
			v = v*10 + int(number[i]-'0')
		}
		return v
	}
	switch {
	case strings.HasPrefix(number, "4"):
		return "visa"
	case prefix(2) >= 51 && prefix(2) <= 55, prefix(4) >= 2221 && prefix(4) <= 2720:
		return "mastercard"
	case strings.HasPrefix(number, "34"), strings.HasPrefix(number, "37"):
		return "amex"
	case strings.HasPrefix(number, "6011"), strings.HasPrefix(number, "65"), prefix(3) >= 644 && prefix(3) <= 649:
		return "discover"
	case prefix(4) >= 3528 && prefix(4) <= 3589:
		return "jcb"
	}
	return ""
}

func last4(number string) string {
	if len(number) < 4 {
		return number
	}
	return number[len(number)-4:]
}

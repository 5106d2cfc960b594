package ui

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loopshop/loopshop/money"
)

// symbols are the currency signs shoppers expect; other currencies show
// their ISO code.
var symbols = map[string]string{"GBP": "£", "EUR": "€", "USD": "$", "IDR": "Rp", "JPY": "¥"}

// formatPrice writes m as a shopper in locale reads prices: "£12.99" in
// en-GB, "12,99 €" in de-DE, "Rp 160.000" in id-ID. It works from the
// exact decimal string money gives, never a float.
func formatPrice(m money.Money, locale string) string {
	lang, _, _ := strings.Cut(locale, "-")
	group, point := ",", "."
	symbolAfter := false
	switch lang {
	case "de", "es", "it", "id", "nl", "pt", "da":
		group, point = ".", ","
		symbolAfter = lang != "id" && lang != "nl"
	case "fr":
		group, point = "\u202f", ","
		symbolAfter = true
	}
	dec := m.Decimal()
	neg := strings.HasPrefix(dec, "-")
	dec = strings.TrimPrefix(dec, "-")
	whole, frac, _ := strings.Cut(dec, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	num := b.String()
	if frac != "" {
		num += point + frac
	}
	if neg {
		num = "-" + num
	}
	sym, ok := symbols[m.Currency]
	switch {
	case !ok:
		return num + "\u00a0" + m.Currency
	case symbolAfter:
		return num + "\u00a0" + sym
	case utf8.RuneCountInString(sym) > 1:
		return sym + "\u00a0" + num
	}
	return sym + num
}

// categoryName turns a catalogue category slug into words:
// "kitchen-accessories" → "Kitchen accessories".
func categoryName(slug string) string {
	s := strings.ReplaceAll(slug, "-", " ")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return ""
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// sentence starts a service's message, written to follow a colon, with a
// capital letter so it can stand alone: "e-mail address…" → "E-mail address…".
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return ""
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}

// initials are up to two letters standing for a name in an avatar.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}

// hue picks one of eight colour schemes for an ID, so a shop keeps its
// colour from page to page without storing one.
func hue(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % 8)
}

package linkpolicy

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// A run of digits with the separators people put in phone numbers:
// spaces, dashes, dots, slashes and parentheses, "+44 (0)20 7946 0958".
var rePhoneAt = regexp.MustCompile(`^\(?(?:\+[ \t]?)?\(?[0-9](?:[0-9]|[ \t\-–—./]{1,3}\(?[0-9]|\)[ \t\-–—./]{0,2}\(?[0-9])*`)

var (
	reDate      = regexp.MustCompile(`^(?:[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:[0-9]{2}|[0-9]{4}))$`)
	reThousands = regexp.MustCompile(`^[0-9]{1,3}(?:(?:\.[0-9]{3})+|(?:,[0-9]{3})+|(?:'[0-9]{3})+)$`)
)

// Words that, right before a number, say it is a code rather than a phone
// number. "order" alone is not one: "order: 0812…" is how numbers are
// passed on.
var numberCues = []string{"ean", "gtin", "upc", "isbn", "barcode", "sku", "mpn", "asin", "imei",
	"serial", "s/n", "sn", "p/n", "pn", "part", "invoice", "inv", "tracking", "resi", "awb",
	"bestellnummer", "artikel", "artikelnummer", "art", "ref",
	"reference", "référence", "referencia", "riferimento", "model", "modell", "modèle", "modelo",
	"modello", "tipe", "type", "item", "article", "articolo", "artículo", "product", "produkt",
	"produit", "producto", "prodotto", "codice", "código", "code", "kode", "lot", "batch", "charge"}

// orderCues are cues only with a number word: "order no. 123…", but not
// "order: 0812…", which is how numbers are passed on.
var orderCues = []string{"order", "bestell", "bestellung", "commande", "pesanan", "pedido", "ordine"}

// numberWords follow a cue: "order no.", "Art.-Nr.", "product code".
var numberWords = []string{"no", "nr", "number", "num", "nummer", "numéro", "numero", "número",
	"nomor", "id", "code", "kode", "codice", "código", "#"}

// Currency marks that make a digit run a price.
var (
	currencyBefore = []string{"$", "£", "€", "¥", "rp", "idr", "usd", "eur", "gbp", "rs", "chf"}
	currencyAfter  = []string{"€", "$", "£", "eur", "idr", "usd", "gbp", "rb", "jt", "rupiah", ",-", "円", "元", "chf"}
)

// scanPhones finds phone numbers written in digits.
func scanPhones(t *text, out []Finding, orig, region string) []Finding {
	s := t.s
	for i := 0; i < len(s); {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '+' || c == '(') {
			i++
			continue
		}
		m := rePhoneAt.FindStringIndex(s[i:])
		if m == nil {
			i++
			continue
		}
		a, b := i, i+m[1]
		i = b
		raw := s[a:b]
		if n := countDigits(raw); n < 8 || n > 17 {
			continue // "+0044…" has 17 with its prefix
		}
		if !phoneBoundary(s, a, b) || looksLikeCode(t.low[:a]) || priceAround(t.low, a, b) {
			continue
		}
		if e164, ok := parsePhone(raw, region, false); ok {
			out = append(out, finding(t, orig, a, b, ReasonPhone, e164))
		}
	}
	return out
}

// phoneBoundary reports whether [a, b) stands alone: not glued to letters
// ("5000mAh", "A123456789"), not part of a decimal ("12.99") or percentage.
func phoneBoundary(s string, a, b int) bool {
	if a > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:a])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '+' || r == '#' {
			return false
		}
		if (r == '.' || r == ',' || r == '-' || r == '/') && a > 1 {
			r2, _ := utf8.DecodeLastRuneInString(s[:a-1])
			if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
				return false
			}
		}
	}
	if b < len(s) {
		r, n := utf8.DecodeRuneInString(s[b:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%' || r == '_' {
			return false
		}
		if (r == '.' || r == ',') && b+n < len(s) && s[b+n] >= '0' && s[b+n] <= '9' {
			return false
		}
	}
	return true
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// looksLikeCode reports whether the text before a number, lower case in
// ASCII, ends with a word saying the number is a barcode, order number or
// model number.
func looksLikeCode(before string) bool {
	if len(before) > 40 {
		before = before[len(before)-40:]
	}
	const seps = " \t:#.-=()"
	before = strings.TrimRight(before, seps)
	cues := numberCues
	for _, w := range numberWords {
		if rest, ok := strings.CutSuffix(before, w); ok && (rest == "" || strings.ContainsRune(seps, rune(rest[len(rest)-1]))) {
			before = strings.TrimRight(rest, seps)
			cues = slices.Concat(orderCues, numberCues)
			break
		}
	}
	for _, c := range cues {
		if rest, ok := strings.CutSuffix(before, c); ok {
			if rest == "" {
				return true
			}
			if r, _ := utf8.DecodeLastRuneInString(rest); !unicode.IsLetter(r) {
				return true
			}
		}
	}
	return false
}

// priceAround reports whether a currency sign or code touches [a, b) of s,
// lower case in ASCII.
func priceAround(s string, a, b int) bool {
	before := strings.TrimRight(s[max(0, a-8):a], " \t")
	after := strings.TrimLeft(s[b:min(len(s), b+10)], " \t")
	for _, c := range currencyBefore {
		if strings.HasSuffix(before, c) {
			return true
		}
	}
	for _, c := range currencyAfter {
		if strings.HasPrefix(after, c) {
			return true
		}
	}
	return false
}

// parsePhone decides whether raw is a phone number and returns it in
// E.164. The rules, chosen so product text does not trip them:
//   - 8 to 15 digits (E.164's maximum), the country code included;
//   - not a date, a list of years ("2023 2024"), a price grouped in
//     thousands ("1.250.000") or an EAN/GTIN barcode (13 or 14 digits in
//     one block with a valid GS1 check digit);
//   - "+…" or "00…": valid in the country its code names;
//   - otherwise valid for region and, where the region dials a trunk "0"
//     (GB, DE, FR, IE, ID…), written with it or with the country code
//     ("0812…", "62812…"): a German area code swallows almost any run of
//     digits ("20240501" is a valid Wuppertal number), a written trunk
//     prefix is what tells a phone number apart.
//
// In a messaging context (lenient) 6 digits suffice and a number that is
// not valid anywhere is still returned, as its digits.
func parsePhone(raw, region string, lenient bool) (string, bool) {
	raw = strings.TrimSpace(raw)
	intl := strings.HasPrefix(strings.TrimLeft(raw, "("), "+")
	digits := []byte(digitsOf(raw))
	if intl || strings.HasPrefix(string(digits), "00") {
		// "+44 (0)20 …": the trunk 0 in brackets is not dialled.
		if i := strings.Index(raw, "(0)"); i > 0 {
			digits = []byte(digitsOf(raw[:i]) + digitsOf(raw[i+3:]))
		}
	}
	d := string(digits)
	if !intl && strings.HasPrefix(d, "00") {
		intl, d = true, d[2:]
	}
	minDigits := 8
	if lenient {
		minDigits = 6
	}
	if len(d) < minDigits || len(d) > 15 {
		return "", false
	}
	if !lenient {
		if reDate.MatchString(raw) || yearList(raw) || reThousands.MatchString(raw) || sizeList(raw) {
			return "", false
		}
		if !intl && (len(d) == 13 || len(d) == 14) && d == raw && gtinValid(d) {
			return "", false
		}
	}
	if intl {
		if n, err := phonenumbers.Parse("+"+d, ""); err == nil && phonenumbers.IsValidNumber(n) {
			return phonenumbers.Format(n, phonenumbers.E164), true
		}
	} else if region != "" {
		// Valid anywhere under the region's calling code: +44 covers
		// Guernsey, Jersey and the Isle of Man too.
		cc := int32(phonenumbers.GetCountryCodeForRegion(region))
		ndd := phonenumbers.GetNddPrefixForRegion(region, true)
		if ndd != "0" || strings.HasPrefix(d, "0") {
			if n, err := phonenumbers.Parse(d, region); err == nil && n.GetCountryCode() == cc && phonenumbers.IsValidNumber(n) {
				return phonenumbers.Format(n, phonenumbers.E164), true
			}
		}
		// The country code without "+": "62812…", "447911…".
		if cc != 0 && len(d) >= 10 {
			if n, err := phonenumbers.Parse("+"+d, ""); err == nil && n.GetCountryCode() == cc && phonenumbers.IsValidNumber(n) {
				return phonenumbers.Format(n, phonenumbers.E164), true
			}
		}
	}
	if lenient {
		return d, true
	}
	return "", false
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// yearList reports whether every group of digits in s is a year,
// "2023 2024", "2019/2020".
func yearList(s string) bool {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if len(groups) < 2 {
		return false
	}
	for _, g := range groups {
		if len(g) != 4 || g < "1900" || g > "2099" {
			return false
		}
	}
	return true
}

// sizeList reports whether s is a list of small numbers, "36 37 38 39 40",
// "S/M 36-38-40-42": groups of at most two digits with no leading "0" or
// "+", where a phone number written in pairs ("06 12 34 56 78") starts with
// its trunk prefix.
func sizeList(s string) bool {
	if s[0] == '0' || s[0] == '+' || s[0] == '(' {
		return false
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if len(groups) < 3 {
		return false
	}
	for _, g := range groups {
		if len(g) > 2 {
			return false
		}
	}
	return true
}

// gtinValid checks the GS1 check digit of an EAN-13 or GTIN-14.
func gtinValid(d string) bool {
	sum := 0
	for i := len(d) - 2; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-2-i)%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return (10-sum%10)%10 == int(d[len(d)-1]-'0')
}

// Digits written as words, in the languages of loopshop's markets.
var digitWords = map[string]byte{
	"zero": '0', "oh": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5',
	"six": '6', "seven": '7', "eight": '8', "nine": '9',
	"null": '0', "eins": '1', "zwei": '2', "drei": '3', "vier": '4', "fünf": '5', "sechs": '6',
	"sieben": '7', "acht": '8', "neun": '9',
	"zéro": '0', "un": '1', "deux": '2', "trois": '3', "quatre": '4', "cinq": '5', "sept": '7',
	"huit": '8', "neuf": '9',
	"cero": '0', "uno": '1', "dos": '2', "tres": '3', "cuatro": '4', "cinco": '5', "seis": '6',
	"siete": '7', "ocho": '8', "nueve": '9',
	"due": '2', "tre": '3', "quattro": '4', "cinque": '5', "sei": '6', "sette": '7', "otto": '8',
	"nove": '9',
	"nol":  '0', "kosong": '0', "satu": '1', "dua": '2', "tiga": '3', "empat": '4', "lima": '5',
	"enam": '6', "tujuh": '7', "delapan": '8', "sembilan": '9',
}

// tokens returns the runs of letters and the runs of digits in s.
func tokens(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		digit := r >= '0' && r <= '9'
		if !digit && !isLetter(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n := rune(s[j]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(s[j:])
			}
			if digit != (r >= '0' && r <= '9') || !digit && !isLetter(r) {
				break
			}
			j += n
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// digitWord reads w, already lower case in ASCII, as a digit.
func digitWord(w string) (byte, bool) {
	if len(w) > 9 {
		return 0, false
	}
	c, ok := digitWords[w]
	if !ok && !isASCII(w) {
		c, ok = digitWords[strings.ToLower(w)]
	}
	return c, ok
}

// scanSpelledPhones finds numbers written partly or wholly in words, "zero
// seven nine one one, one two three four five six", checked by the same
// rules as digits once at least three digits are words.
func scanSpelledPhones(t *text, out []Finding, orig, region string) []Finding {
	s := t.s
	toks := tokens(s)
	for i := 0; i < len(toks); {
		j, words := i, 0
		var d []byte
		plus := false
		if strings.EqualFold(s[toks[i][0]:toks[i][1]], "plus") {
			plus, j = true, i+1
		}
		start := j
		for ; j < len(toks); j++ {
			if j > start && !phoneGap(s[toks[j-1][1]:toks[j][0]]) {
				break
			}
			w := s[toks[j][0]:toks[j][1]]
			if c, ok := digitWord(t.low[toks[j][0]:toks[j][1]]); ok {
				d = append(d, c)
				words++
			} else if w[0] >= '0' && w[0] <= '9' && len(w) <= 4 {
				d = append(d, w...)
			} else {
				break
			}
		}
		if words >= 3 && len(d) >= 8 && j > start {
			raw := string(d)
			if plus {
				raw = "+" + raw
			}
			a, b := toks[i][0], toks[j-1][1]
			if e164, ok := parsePhone(raw, region, false); ok {
				out = append(out, finding(t, orig, a, b, ReasonPhone, e164))
			}
		}
		if j > i {
			i = j
		} else {
			i++
		}
	}
	return out
}

// phoneGap reports whether what separates two tokens keeps them in one
// number: spaces, dashes, commas, dots.
func phoneGap(g string) bool {
	if len(g) > 3 {
		return false
	}
	for i := 0; i < len(g); i++ {
		if strings.IndexByte(" \t-,./", g[i]) < 0 {
			return false
		}
	}
	return true
}

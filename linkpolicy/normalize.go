package linkpolicy

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// text is a normalised form of the original input. Every byte of s knows
// the range of original bytes it came from, so a match in s maps back to
// the span of the original text the user typed.
type text struct {
	s      string
	low    string  // s with ASCII letters in lower case: same offsets
	lo, hi []int32 // lo[i], hi[i]: original byte range that produced s[i]; nil: s is the original
	mark   []uint8 // how a byte came to be; only set by rewriteObfuscations

	schemes [][2]int // URL schemes in s ("https://"), found once
	scanned bool
}

// Marks on bytes produced by rewriteObfuscations, from the weakest
// evidence of a hidden link to the strongest.
const (
	markNone     uint8 = iota
	markSpaced         // "example . com", "example .com"
	markWordWeak       // "exemplo punto com": "punto de venta" is ordinary Spanish
	markWord           // "example dot com", "beispiel punkt de"
	markBracket        // "example[.]com", "example(dot)com"
)

// span maps the half-open byte range [a, b) of t.s back to the original.
func (t *text) span(a, b int) (int, int) {
	if t.lo == nil {
		return a, b
	}
	return int(t.lo[a]), int(t.hi[b-1])
}

// maxMark returns the strongest obfuscation mark in [a, b) of t.s.
func (t *text) maxMark(a, b int) uint8 {
	var m uint8
	if t.mark == nil {
		return m
	}
	for _, x := range t.mark[a:b] {
		m = max(m, x)
	}
	return m
}

type builder struct {
	buf    []byte
	lo, hi []int32
	mark   []uint8 // nil unless marking
}

func newBuilder(n int, marks bool) *builder {
	b := &builder{buf: make([]byte, 0, n), lo: make([]int32, 0, n), hi: make([]int32, 0, n)}
	if marks {
		b.mark = make([]uint8, 0, n)
	}
	return b
}

func (b *builder) addString(p string, lo, hi int32, mark uint8) {
	for range len(p) {
		b.lo = append(b.lo, lo)
		b.hi = append(b.hi, hi)
		if b.mark != nil {
			b.mark = append(b.mark, mark)
		}
	}
	b.buf = append(b.buf, p...)
}

func (b *builder) addRune(r rune, lo, hi int32) {
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	for range n {
		b.lo = append(b.lo, lo)
		b.hi = append(b.hi, hi)
		if b.mark != nil {
			b.mark = append(b.mark, markNone)
		}
	}
	b.buf = append(b.buf, tmp[:n]...)
}

func (b *builder) text() *text {
	s := string(b.buf)
	return &text{s: s, low: asciiLower(s), lo: b.lo, hi: b.hi, mark: b.mark}
}

// asciiLower lowers A-Z only, so offsets stay the same.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// invisible reports whether r is dropped before matching: format
// characters (zero-width space and joiners, bidi controls, soft hyphen, BOM)
// and the blank fillers that render as nothing.
func invisible(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// confusable maps characters that look like the ASCII ones used in domains,
// e-mail addresses and phone numbers and that NFKC leaves alone: ideographic
// and middle dots, and Cyrillic and Greek letters shaped like Latin ones.
var confusable = map[rune]rune{
	'。': '.', '·': '.', '‧': '.', '∙': '.', '⋅': '.', '・': '.', '︒': '.', '᛫': '.',
	'＠': '@', '﹫': '@',
	'ı': 'i', 'ȷ': 'j', 'ɡ': 'g', 'ɑ': 'a', 'ο': 'o', 'о': 'o', 'О': 'O', 'Ο': 'O',
	'а': 'a', 'А': 'A', 'е': 'e', 'Е': 'E', 'р': 'p', 'Р': 'P', 'с': 'c', 'С': 'C',
	'у': 'y', 'Υ': 'Y', 'Ү': 'Y', 'х': 'x', 'Х': 'X', 'Χ': 'X', 'і': 'i', 'І': 'I',
	'ј': 'j', 'Ј': 'J', 'ѕ': 's', 'Ѕ': 'S', 'һ': 'h', 'Һ': 'H', 'ԁ': 'd', 'ӏ': 'l',
	'ԛ': 'q', 'ԝ': 'w', 'ո': 'n', 'ս': 'u', 'ν': 'v', 'ρ': 'p', 'Ρ': 'P', 'α': 'a',
	'Α': 'A', 'Β': 'B', 'В': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Н': 'H', 'Ι': 'I',
	'Κ': 'K', 'К': 'K', 'к': 'k', 'κ': 'k', 'Μ': 'M', 'М': 'M', 'Ν': 'N', 'Τ': 'T',
	'Т': 'T', 'τ': 't', 'ι': 'i', 'υ': 'u', 'ѡ': 'w', 'ɩ': 'i',
}

// normalize strips invisible characters, applies NFKC (full-width letters,
// mathematical alphanumerics, circled digits…), drops combining marks left
// over and maps confusables, keeping the offset map.
func normalize(orig string) *text {
	if isASCII(orig) {
		// Nothing to strip, fold or map: the common case.
		return &text{s: orig, low: asciiLower(orig)}
	}
	b := newBuilder(len(orig), false)
	var seg, out []byte
	for i := 0; i < len(orig); {
		if orig[i] < utf8.RuneSelf {
			// A run of ASCII maps byte for byte, but for its last byte,
			// which an accent may follow.
			k := i
			for k < len(orig) && orig[k] < utf8.RuneSelf {
				k++
			}
			if k < len(orig) {
				k--
			}
			for ; i < k; i++ {
				b.buf = append(b.buf, orig[i])
				b.lo = append(b.lo, int32(i))
				b.hi = append(b.hi, int32(i+1))
			}
			if i == len(orig) {
				break
			}
		}
		r, n := utf8.DecodeRuneInString(orig[i:])
		if r == utf8.RuneError && n == 1 {
			b.addString(" ", int32(i), int32(i+1), markNone)
			i++
			continue
		}
		if invisible(r) {
			i += n
			continue
		}
		// NFKC one normalisation segment at a time, so each output byte is
		// still tied to the characters it came from. Invisible characters
		// inside a segment ("e\u200b\u0301") are skipped, so they cannot
		// keep a letter and its accent apart.
		seg = append(seg[:0], orig[i:i+n]...)
		j := i + n
		for j < len(orig) && orig[j] >= utf8.RuneSelf {
			k := j
			for k < len(orig) {
				r, n := utf8.DecodeRuneInString(orig[k:])
				if r == utf8.RuneError && n == 1 || !invisible(r) {
					break
				}
				k += n
			}
			if k == len(orig) || orig[k] < utf8.RuneSelf {
				break
			}
			p := norm.NFKC.PropertiesString(orig[k:])
			if p.BoundaryBefore() || p.Size() == 0 {
				break
			}
			seg = append(seg, orig[k:k+p.Size()]...)
			j = k + p.Size()
		}
		out = norm.NFKC.Append(out[:0], seg...)
		for len(out) > 0 {
			r, n := utf8.DecodeRune(out)
			out = out[n:]
			if unicode.In(r, unicode.Mn, unicode.Me) || invisible(r) {
				continue
			}
			if c, ok := confusable[r]; ok {
				r = c
			}
			b.addRune(r, int32(i), int32(j))
		}
		i = j
	}
	return b.text()
}

// Written-out dots: the words, and the form each is marked with. They
// count only between two label-like tokens; what is a domain is decided
// afterwards, so they may be generous.
var dotWords = []struct {
	word string
	mark uint8
}{{"dot", markWord}, {"punkt", markWord}, {"titik", markWord}, {"point", markWordWeak}, {"punto", markWordWeak}}

// bracketDots may stand between brackets: "[.]", "(dot)", "{punkt}".
var bracketDots = []string{".", "dot", "punkt", "point", "punto", "titik", "点"}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// labelRuneAt reports whether the character at s[i:] may be part of a
// domain label; labelRuneBefore, the one ending at s[:i].
func labelRuneAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isLabelRune(r)
}

func labelRuneBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isLabelRune(r)
}

func isLabelRune(r rune) bool {
	return r < utf8.RuneSelf && isLabelByte(byte(r)) || unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
}

// spacedWorthIt reports whether the label at low[b:] could end a domain
// written with spaced dots or commas: it is a TLD those count under, or,
// with chain, another dot follows it ("example . co . uk"). Most full
// stops end a sentence and most commas a clause; leaving them alone keeps
// the text as it is.
func spacedWorthIt(low string, b int, chain bool) bool {
	e := b
	for e < len(low) && isLabelByte(low[e]) {
		e++
	}
	if spacedTLDs[low[b:e]] || linkTLDs[low[b:e]] {
		return true
	}
	if !chain {
		return false
	}
	for e < len(low) && isSpace(low[e]) {
		e++
	}
	return e < len(low) && low[e] == '.'
}

// gluedTLD reports whether low starts with a TLD "dot" may be glued to,
// "dotcom", "dotnet", followed by no other letter.
func gluedTLD(low string) bool {
	e := 0
	for e < len(low) && low[e] >= 'a' && low[e] <= 'z' {
		e++
	}
	return wordDotTLDs[low[:e]]
}

// rewriteObfuscations turns the written-out dots of "shop dot example dot
// com", "example[.]com" and "example . com" into real dots between two
// alphanumeric tokens, marking each so the domain rules can ask for more
// evidence from the weaker forms.
func rewriteObfuscations(t *text) *text {
	type rep struct {
		a, b int
		mark uint8
	}
	s, low := t.s, t.low
	// spread widens [a, b) over the spaces and tabs around it.
	spread := func(a, b int) (int, int) {
		for a > 0 && isSpace(s[a-1]) {
			a--
		}
		for b < len(s) && isSpace(s[b]) {
			b++
		}
		return a, b
	}
	var cands []rep
	// Bracketed: "[.]", "(dot)".
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("([{<", s[i]) < 0 {
			continue
		}
		j := i + 1
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		for _, w := range bracketDots {
			if !strings.HasPrefix(low[j:], w) {
				continue
			}
			k := j + len(w)
			for k < len(s) && isSpace(s[k]) {
				k++
			}
			if k < len(s) && strings.IndexByte(")]}>", s[k]) >= 0 {
				a, b := spread(i, k+1)
				cands = append(cands, rep{a, b, markBracket})
			}
			break
		}
	}
	// Words between spaces: " dot ", " punkt "; "点" needs none.
	for _, w := range dotWords {
		for from := 0; ; {
			i := strings.Index(low[from:], w.word)
			if i < 0 {
				break
			}
			i += from
			from = i + len(w.word)
			if i == 0 || from >= len(s) || !isSpace(s[i-1]) {
				continue
			}
			if isSpace(s[from]) {
				a, b := spread(i, from)
				cands = append(cands, rep{a, b, w.mark})
			} else if w.word == "dot" && gluedTLD(low[from:]) {
				// "lunabags dotcom"
				a, _ := spread(i, from)
				cands = append(cands, rep{a, from, w.mark})
			}
		}
	}
	for from := 0; ; {
		i := strings.Index(s[from:], "点")
		if i < 0 {
			break
		}
		i += from
		from = i + len("点")
		a, b := spread(i, from)
		cands = append(cands, rep{a, b, markWord})
	}
	// A full stop with a space on either side: "example . com"; a comma
	// glued to a TLD: "example,com", "example ,co".
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			if i > 0 && isSpace(s[i-1]) || i+1 < len(s) && isSpace(s[i+1]) {
				a, b := spread(i, i+1)
				if spacedWorthIt(low, b, true) {
					cands = append(cands, rep{a, b, markSpaced})
				}
			}
		case ',':
			// A comma followed by a space is how every language
			// separates clauses ("… enim, eu fugiat"); only a comma
			// glued to what follows reads as a disguised dot.
			if i+1 < len(s) && isSpace(s[i+1]) {
				continue
			}
			a, b := spread(i, i+1)
			if spacedWorthIt(low, b, false) {
				cands = append(cands, rep{a, b, markSpaced})
			}
		}
	}
	if len(cands) == 0 {
		return t
	}
	// The stronger forms win where two overlap.
	slices.SortStableFunc(cands, func(x, y rep) int { return int(y.mark) - int(x.mark) })
	var reps []rep
	used := make([]bool, len(s))
	for _, c := range cands {
		if c.a == 0 || c.b >= len(s) || !labelRuneBefore(s, c.a) || !labelRuneAt(s, c.b) || slices.Contains(used[c.a:c.b], true) {
			continue
		}
		for i := c.a; i < c.b; i++ {
			used[i] = true
		}
		reps = append(reps, c)
	}
	if len(reps) == 0 {
		return t
	}
	slices.SortFunc(reps, func(x, y rep) int { return x.a - y.a })
	b := newBuilder(len(s), true)
	prev := 0
	for _, r := range reps {
		for i := prev; i < r.a; i++ {
			lo, hi := t.span(i, i+1)
			b.addString(s[i:i+1], int32(lo), int32(hi), markNone)
		}
		lo, hi := t.span(r.a, r.b)
		b.addString(".", int32(lo), int32(hi), r.mark)
		prev = r.b
	}
	for i := prev; i < len(s); i++ {
		lo, hi := t.span(i, i+1)
		b.addString(s[i:i+1], int32(lo), int32(hi), markNone)
	}
	return b.text()
}

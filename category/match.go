package category

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// index is the tree with what Resolve needs to be fast. Nodes are
// numbered in display (pre-)order; the slices are indexed by that number.
type index struct {
	roots  []*Node
	nodes  []*Node
	parent []int32 // -1 at the top level
	depth  []int32
	other  int32

	byID  map[string]int32
	exact map[string]int32 // normalised ID or name → node
	vocab map[string]int32 // normalised keyword word → word number
	// first[w] lists the keywords whose first word is w: a keyword
	// matches only if all its words are in the text, so looking it up by
	// one of them finds every match exactly once.
	first    [][]int32
	keywords []keyword

	specs []spec // the data being indexed, only while loading
}

// keyword is a set of words that, all present in the text, point to node.
type keyword struct {
	node    int32
	rank    int32 // position in the node's list; the name and ID are 0
	context bool  // a context word: see the package comment
	words   []int32
}

// maxWords bounds the distinct known words of one text that take part in
// matching (a word's position is a bit in a uint64). Category text is a
// few words; the rest of a longer text is ignored.
const maxWords = 64

// build fills in the exact and keyword indexes from x.specs.
func (x *index) build() error {
	norm := func(s string) string { return string(appendNormal(nil, s)) }
	// IDs first, so that a name can never take over another node's ID.
	for i, n := range x.nodes {
		k := norm(n.ID)
		if k == "" {
			return fmt.Errorf("id %q has no words", n.ID)
		}
		if j, ok := x.exact[k]; ok {
			return fmt.Errorf("id %q reads the same as %q", n.ID, x.nodes[j].ID)
		}
		x.exact[k] = int32(i)
	}
	for i, n := range x.nodes {
		k := norm(n.Name)
		if k == "" {
			return fmt.Errorf("id %q: name %q has no words", n.ID, n.Name)
		}
		if j, ok := x.exact[k]; ok && j != int32(i) {
			return fmt.Errorf("id %q: name %q reads the same as %q", n.ID, n.Name, x.nodes[j].ID)
		}
		x.exact[k] = int32(i)
	}
	for i, s := range x.specs {
		seen := map[string]bool{} // word set → listed explicitly
		add := func(text string, rank int32, context, explicit bool) error {
			words := strings.Fields(norm(text))
			if len(words) == 0 {
				return fmt.Errorf("id %q: keyword %q has no words", s.ID, text)
			}
			k := keyword{node: int32(i), rank: rank, context: context}
			for _, w := range words {
				id, ok := x.vocab[w]
				if !ok {
					id = int32(len(x.first))
					x.vocab[w] = id
					x.first = append(x.first, nil)
				}
				if !slices.Contains(k.words, id) {
					k.words = append(k.words, id)
				}
			}
			set := slices.Sorted(slices.Values(k.words))
			key := fmt.Sprint(set)
			if wasExplicit, dup := seen[key]; dup {
				if explicit && wasExplicit {
					return fmt.Errorf("id %q: keyword %q is listed twice (plurals count as the same)", s.ID, text)
				}
				return nil
			}
			seen[key] = explicit
			x.first[k.words[0]] = append(x.first[k.words[0]], int32(len(x.keywords)))
			x.keywords = append(x.keywords, k)
			return nil
		}
		if err := add(s.Name, 0, false, false); err != nil {
			return err
		}
		if err := add(s.ID, 0, false, false); err != nil {
			return err
		}
		for r, kw := range s.Keywords {
			if err := add(kw, int32(r)+1, false, true); err != nil {
				return err
			}
		}
		for _, kw := range s.Context {
			if err := add(kw, math.MaxInt32, true, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve returns the number of the best node for text. A category path
// ("Apparel > Clothing > Pants") is tried from its last step back.
func (x *index) resolve(text string) int32 {
	for {
		i := strings.LastIndexByte(text, '>')
		if n := x.resolveOne(text[i+1:]); n >= 0 {
			return n
		}
		if i < 0 {
			return x.other
		}
		text = text[:i]
	}
}

// match is what the keywords found in a text say about one node.
type match struct {
	node   int32
	mask   uint64 // text words explained by the node's own keywords
	strong bool   // matched by a keyword, not only by context words
	rank   int32  // best rank among its matched keywords
}

// resolveOne returns the best node for one piece of text, or -1 if no ID,
// name or keyword matches.
func (x *index) resolveOne(text string) int32 {
	var buf [128]byte
	norm := appendNormal(buf[:0], text)
	if len(norm) == 0 {
		return -1
	}
	if n, ok := x.exact[string(norm)]; ok {
		return n
	}

	var wordBuf [maxWords]int32
	words := wordBuf[:0]
	for rest := norm; len(rest) > 0 && len(words) < maxWords; {
		w := rest
		if j := bytes.IndexByte(rest, ' '); j >= 0 {
			w, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		if id, ok := x.vocab[string(w)]; ok && !slices.Contains(words, id) {
			words = append(words, id)
		}
	}

	var matchBuf [16]match
	matches := matchBuf[:0]
	for _, w := range words {
		for _, k := range x.first[w] {
			kw := &x.keywords[k]
			mask, ok := cover(kw.words, words)
			if !ok {
				continue
			}
			matches = addMatch(matches, kw, mask)
		}
	}

	best, bestCovered := int32(-1), 0
	var bestMatch match
	for _, m := range matches {
		covered := m.mask
		for p := x.parent[m.node]; p >= 0; p = x.parent[p] {
			for _, a := range matches {
				if a.node == p {
					covered |= a.mask
				}
			}
		}
		c := bits.OnesCount64(covered)
		if best < 0 || x.better(m, c, bestMatch, bestCovered) {
			best, bestCovered, bestMatch = m.node, c, m
		}
	}
	return best
}

// better reports whether match a, explaining aCovered words of the text,
// beats b: a keyword match over context words only, then more words
// explained, then deeper, then an earlier keyword, then earlier in display
// order.
func (x *index) better(a match, aCovered int, b match, bCovered int) bool {
	switch {
	case a.strong != b.strong:
		return a.strong
	case aCovered != bCovered:
		return aCovered > bCovered
	case x.depth[a.node] != x.depth[b.node]:
		return x.depth[a.node] > x.depth[b.node]
	case a.rank != b.rank:
		return a.rank < b.rank
	default:
		return a.node < b.node
	}
}

// cover returns which positions of text hold the keyword's words, and
// false unless all of them are there.
func cover(keyword, text []int32) (uint64, bool) {
	var mask uint64
	for _, w := range keyword {
		i := slices.Index(text, w)
		if i < 0 {
			return 0, false
		}
		mask |= 1 << i
	}
	return mask, true
}

// addMatch records that kw matched the text words in mask.
func addMatch(matches []match, kw *keyword, mask uint64) []match {
	for i := range matches {
		m := &matches[i]
		if m.node != kw.node {
			continue
		}
		m.mask |= mask
		if !kw.context {
			m.strong = true
			m.rank = min(m.rank, kw.rank)
		}
		return matches
	}
	m := match{node: kw.node, mask: mask, strong: !kw.context, rank: math.MaxInt32}
	if m.strong {
		m.rank = kw.rank
	}
	return append(matches, m)
}

// appendNormal appends the normal form of s to dst: its words lower-cased,
// folded to their plural-insensitive stems, without filler words, joined
// by single spaces. A word is a run of letters and digits; apostrophes
// inside one are dropped ("men's" is "mens", stemmed "men").
func appendNormal(dst []byte, s string) []byte {
	base := len(dst)
	word := -1 // where the current word starts in dst, or -1 between words
	for i := 0; i < len(s); {
		c := rune(s[i])
		size := 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case c == '\'' || c == '\u2019' || c == '\u02bc':
			continue
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c >= utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			c = unicode.ToLower(c)
		case c >= utf8.RuneSelf && unicode.Is(unicode.Mn, c):
			continue // a combining accent: part of the word, not a break
		default:
			if word >= 0 {
				dst, word = endWord(dst, base, word), -1
			}
			continue
		}
		if word < 0 {
			if len(dst) > base {
				dst = append(dst, ' ')
			}
			word = len(dst)
		}
		dst = utf8.AppendRune(dst, c)
	}
	if word >= 0 {
		dst = endWord(dst, base, word)
	}
	return dst
}

// endWord stems the word that starts at dst[word], or drops it (and the
// space before it) if it is a filler word.
func endWord(dst []byte, base, word int) []byte {
	w := stem(dst[word:])
	if isFiller(w) {
		if word > base {
			word-- // the space
		}
		return dst[:word]
	}
	return dst[:word+len(w)]
}

// isFiller reports whether w says nothing about a category.
func isFiller(w []byte) bool {
	switch string(w) {
	case "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "s", "the", "to", "with":
		return true
	}
	return false
}

// stem folds English plurals in place so that singular and plural share a
// form: "dresses" and "dress" → "dress", "accessories" and "accessory" →
// "accessori", "shoes" and "shoe" → "sho", "boxes" and "box" → "box".
// It strips a plural s (not from -ss, -us, -is: "dress", "cactus",
// "tennis"), then a final e, and turns a final y into i. The forms are
// not words; they only need to agree. Irregular plurals ("knives",
// "mice") are listed as keywords of their own.
func stem(w []byte) []byte {
	n := len(w)
	switch {
	case n > 4 && string(w[n-4:]) == "sses":
		w = w[:n-2]
	case n > 4 && string(w[n-3:]) == "ies":
		w = w[:n-2]
	case n > 2 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 3 && w[n-1] == 'e':
		w = w[:n-1]
	case n > 2 && w[n-1] == 'y':
		w[n-1] = 'i'
	}
	return w
}

package linkpolicy_test

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/quick"

	"github.com/google/go-cmp/cmp"
	"github.com/loopshop/loopshop/linkpolicy"
)

// checkFindings reports what is wrong with fs as Scan's answer for text:
// every span must slice text on character boundaries and equal Match,
// and the findings must be sorted and not overlap.
func checkFindings(text string, fs []linkpolicy.Finding) string {
	starts := make(map[int]bool) // where characters, or invalid bytes, start
	for i := range text {
		starts[i] = true
	}
	starts[len(text)] = true
	prev := 0
	for _, f := range fs {
		switch {
		case f.Start < prev || f.Start >= f.End || f.End > len(text):
			return "finding " + f.String() + " is out of order, empty, overlapping or out of range"
		case text[f.Start:f.End] != f.Match:
			return "finding " + f.String() + " does not slice the text"
		case !starts[f.Start] || !starts[f.End]:
			return "finding " + f.String() + " splits a character"
		case f.Reason == "" || f.Detail == "":
			return "finding " + f.String() + " has no reason or detail"
		}
		prev = f.End
	}
	return ""
}

var invisibles = []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202a"}

// insertInvisible puts n invisible characters at random character
// boundaries of s.
func insertInvisible(r *rand.Rand, s string, n int) string {
	for range n {
		var bounds []int
		for i := range s {
			bounds = append(bounds, i)
		}
		bounds = append(bounds, len(s))
		at := bounds[r.Intn(len(bounds))]
		s = s[:at] + invisibles[r.Intn(len(invisibles))] + s[at:]
	}
	return s
}

// sameKind treats a domain that becomes obfuscated as the same finding.
func sameKind(r linkpolicy.Reason) linkpolicy.Reason {
	if r == linkpolicy.ReasonDomain {
		return linkpolicy.ReasonObfuscatedDomain
	}
	return r
}

// TestInvisibleCharactersNeverHide inserts zero-width and other format
// characters anywhere in every corpus line: what was found must still be
// found, with the same reasons.
func TestInvisibleCharactersNeverHide(t *testing.T) {
	p := newPolicy(t)
	r := rand.New(rand.NewSource(1))
	for _, c := range readCorpus(t) {
		want := p.Scan(c.text, c.region)
		for range 20 {
			text := insertInvisible(r, c.text, 1+r.Intn(4))
			got := p.Scan(text, c.region)
			if msg := checkFindings(text, got); msg != "" {
				t.Fatalf("corpus.txt:%d: Scan(%q): %s", c.line, text, msg)
			}
			if len(got) != len(want) {
				t.Errorf("corpus.txt:%d: Scan(%q) = %v, want %d findings like %v", c.line, text, got, len(want), want)
				continue
			}
			for i := range got {
				if sameKind(got[i].Reason) != sameKind(want[i].Reason) {
					t.Errorf("corpus.txt:%d: Scan(%q)[%d] = %v, want reason %s", c.line, text, i, got[i], want[i].Reason)
				}
			}
		}
	}
}

// snippets are what random texts are made of: pieces of links, numbers and
// handles, separators, look-alikes, invisible and invalid bytes.
var snippets = []string{"example", "lunabags", "shop", ".", " . ", " dot ", "[.]", "。", "．", "com", "co.uk",
	"de", "love", "@", " at ", "gmail", "https://", "www.", "/", "?", ":", "(", ")", "0812", "3456", "7890",
	"+44", "07400", "123456", " ", "-", "\u200b", "\u00ad", "ｅ", "ｃｏｍ", "е", "WA", "ig:", "微信", "vx",
	"wa.me", "t.me", "bit.ly", "zero", "seven", "four", "12.99", "3.5mm", "é", "中文", "\xff", "\n", "e.g.",
	"localhost:8080", "shop.example.org", "Love", "2024", "EAN", "\u0301", "𝐞"}

type randomText string

func (randomText) Generate(r *rand.Rand, size int) reflect.Value {
	var sb strings.Builder
	for range r.Intn(size + 1) {
		sb.WriteString(snippets[r.Intn(len(snippets))])
	}
	return reflect.ValueOf(randomText(sb.String()))
}

// quickConfig makes testing/quick draw from snippets.
func quickConfig() *quick.Config {
	r := rand.New(rand.NewSource(3))
	return &quick.Config{
		MaxCount: 3000,
		Values: func(v []reflect.Value, _ *rand.Rand) {
			v[0] = randomText("").Generate(r, 24)
		},
	}
}

// TestScanOffsetsAndDeterminism: on any text, findings slice the original
// text, are sorted and disjoint, and the same text gives the same answer.
func TestScanOffsetsAndDeterminism(t *testing.T) {
	p := newPolicy(t)
	prop := func(rt randomText) bool {
		text := string(rt)
		for _, region := range []string{"GB", "ID", ""} {
			fs := p.Scan(text, region)
			if msg := checkFindings(text, fs); msg != "" {
				t.Logf("Scan(%q, %q): %s", text, region, msg)
				return false
			}
			if again := p.Scan(text, region); !cmp.Equal(fs, again) {
				t.Logf("Scan(%q, %q) not deterministic: %v then %v", text, region, fs, again)
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, quickConfig()); err != nil {
		t.Error(err)
	}
}

// TestRedactLeavesNothing: what Redact returns holds no finding, for the
// corpus and for random texts.
func TestRedactLeavesNothing(t *testing.T) {
	p := newPolicy(t)
	check := func(text, region string) bool {
		fs := p.Scan(text, region)
		red := linkpolicy.Redact(text, fs)
		if left := p.Scan(red, region); len(left) > 0 {
			t.Logf("Scan(Redact(%q)) = Scan(%q) = %v, want nothing", text, red, left)
			return false
		}
		return true
	}
	for _, c := range readCorpus(t) {
		if !check(c.text, c.region) {
			t.Errorf("corpus.txt:%d: redacted text still has findings", c.line)
		}
	}
	if err := quick.Check(func(rt randomText) bool { return check(string(rt), "GB") }, quickConfig()); err != nil {
		t.Error(err)
	}
}

// TestCorpusSpansAreTight: for BLOCK lines, the reported span is what the
// writer typed, so it never starts or ends with a space.
func TestCorpusSpansAreTight(t *testing.T) {
	p := newPolicy(t)
	for _, c := range readCorpus(t) {
		for _, f := range p.Scan(c.text, c.region) {
			if strings.TrimSpace(f.Match) != f.Match {
				t.Errorf("corpus.txt:%d: finding %v has spaces at its edges", c.line, f)
			}
		}
	}
}

package linkpolicy_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
)

type corpusCase struct {
	line   int
	block  bool
	reason linkpolicy.Reason
	region string
	text   string
}

func readCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verdict, rest, ok1 := strings.Cut(line, "\t")
		reason, text, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 || (verdict != "BLOCK" && verdict != "ALLOW") {
			t.Fatalf("corpus.txt:%d: want BLOCK<TAB>reason<TAB>text or ALLOW<TAB>-<TAB>text, got %q", n, line)
		}
		c := corpusCase{line: n, block: verdict == "BLOCK", region: "GB", text: text}
		if r, region, ok := strings.Cut(reason, "@"); ok {
			reason, c.region = r, region
		}
		c.reason = linkpolicy.Reason(reason)
		if c.block && c.reason == "" || !c.block && reason != "-" {
			t.Fatalf("corpus.txt:%d: bad reason %q", n, reason)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestCorpus holds the policy to every line of testdata/corpus.txt: each
// BLOCK line must be reported with its reason, each ALLOW line must pass in
// every default market.
func TestCorpus(t *testing.T) {
	p := newPolicy(t)
	cases := readCorpus(t)
	if len(cases) < 150 {
		t.Fatalf("corpus has %d cases, want at least 150", len(cases))
	}
	var blocks, allows int
	for _, c := range cases {
		if c.block {
			blocks++
			fs := p.Scan(c.text, c.region)
			found := false
			for _, f := range fs {
				found = found || f.Reason == c.reason
			}
			if !found {
				t.Errorf("corpus.txt:%d: Scan(%q, %s) = %v, want a finding of reason %s", c.line, c.text, c.region, fs, c.reason)
			}
			continue
		}
		allows++
		for _, m := range market.Defaults() {
			if fs := p.Scan(c.text, m.Code); len(fs) > 0 {
				t.Errorf("corpus.txt:%d: Scan(%q, %s) = %v, want nothing", c.line, c.text, m.Code, fs)
			}
		}
	}
	if blocks < 50 || allows < 50 {
		t.Errorf("corpus has %d BLOCK and %d ALLOW lines; want at least 50 of each", blocks, allows)
	}
}

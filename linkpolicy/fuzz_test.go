package linkpolicy_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopshop/loopshop/linkpolicy"
)

// FuzzScan: Scan never panics, its findings always slice the text, it
// answers the same twice, and Redact leaves nothing it would find.
func FuzzScan(f *testing.F) {
	for _, c := range readCorpus(f) {
		f.Add(c.text)
	}
	f.Add("x@lunabags.org-WA@shop")
	f.Add("\xff\xfe\u200b.com")
	f.Add(strings.Repeat("a.", 300) + "com")
	p := newPolicy(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, region := range []string{"GB", "ID"} {
			fs := p.Scan(text, region)
			if msg := checkFindings(text, fs); msg != "" {
				t.Fatalf("Scan(%q, %s): %s", text, region, msg)
			}
			if again := p.Scan(text, region); !cmp.Equal(fs, again) {
				t.Fatalf("Scan(%q, %s) not deterministic: %v then %v", text, region, fs, again)
			}
			red := linkpolicy.Redact(text, fs)
			if left := p.Scan(red, region); len(left) > 0 {
				t.Fatalf("Scan(Redact(%q)) = Scan(%q) = %v, want nothing", text, red, left)
			}
		}
	})
}

// description is a 2 KB product description of the usual kind: sizes,
// materials, care, prices and one link to the platform.
var description = strings.Repeat(`Women's linen blend summer dress, relaxed fit, V-neck, short sleeves, side pockets.
Material: 55% linen, 45% cotton. Sizes 8-18 (EU 36-46), length approx. 110 cm for size 12.
Care: machine wash at 30°C, do not tumble dry, iron on medium heat. Colour may vary slightly.
Was £39.99, now £24.99 — 2 for £45! Model is 5'8" and wears size 10. EAN 5012345678900.
Ships in 1-2 working days from our UK warehouse; free returns within 30 days.
Questions? Ask in the loopshop chat or see https://shop.example.org/s/luna for the matching belt.
`, 4)[:2048]

func init() {
	// End on a whole word, about 2 KB in.
	description = description[:strings.LastIndexByte(description, ' ')]
}

func BenchmarkScan(b *testing.B) {
	p := newPolicy(b)
	if fs := p.Scan(description, "GB"); len(fs) != 0 {
		b.Fatalf("description has findings: %v", fs)
	}
	b.SetBytes(int64(len(description)))
	for b.Loop() {
		p.Scan(description, "GB")
	}
}

func BenchmarkScanWithFindings(b *testing.B) {
	p := newPolicy(b)
	text := description[:1900] + " DM me: WA 07400 123456 or lunabags dot com"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		p.Scan(text, "GB")
	}
}

// BenchmarkScanLongRuns measures 16 KB texts made of one repeated piece,
// the shapes that would make a careless scanner quadratic.
func BenchmarkScanLongRuns(b *testing.B) {
	p := newPolicy(b)
	for _, unit := range []string{"https://", "a.com.", "x@a.com ", "@", "wa 1 ", "a . ", "0"} {
		text := strings.Repeat(unit, 16<<10/len(unit))
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				p.Scan(text, "GB")
			}
		})
	}
}

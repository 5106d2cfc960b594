package linkpolicy_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
)

// f builds the Finding expected for the span match of text.
func f(text, match string, r linkpolicy.Reason, detail string) linkpolicy.Finding {
	i := strings.Index(text, match)
	if i < 0 {
		panic("test: " + match + " not in " + text)
	}
	return linkpolicy.Finding{Start: i, End: i + len(match), Match: match, Reason: r, Detail: detail}
}

func TestScan(t *testing.T) {
	p := newPolicy(t)
	type tc struct {
		name, text, region string
		want               func(text string) []linkpolicy.Finding
	}
	one := func(match string, r linkpolicy.Reason, detail string) func(string) []linkpolicy.Finding {
		return func(text string) []linkpolicy.Finding {
			return []linkpolicy.Finding{f(text, match, r, detail)}
		}
	}
	none := func(string) []linkpolicy.Finding { return nil }
	tests := []tc{
		{"url with scheme, trailing punctuation left out", "Sizes: https://example.com/size-guide).", "GB",
			one("https://example.com/size-guide", linkpolicy.ReasonURL, "example.com")},
		{"www host", "Shop www.brand.co.uk today", "GB",
			one("www.brand.co.uk", linkpolicy.ReasonURL, "brand.co.uk")},
		{"bare domain with path", "see lunabags.com/sale now", "GB",
			one("lunabags.com/sale", linkpolicy.ReasonURL, "lunabags.com")},
		{"bare domain", "cheaper at lunabags.com!", "GB",
			one("lunabags.com", linkpolicy.ReasonDomain, "lunabags.com")},
		{"subdomain reports the registrable domain", "shop.lunabags.co.uk", "GB",
			one("shop.lunabags.co.uk", linkpolicy.ReasonDomain, "lunabags.co.uk")},
		{"spelled-out dots", "Visit shop dot example dot com for 20% off", "GB",
			one("shop dot example dot com", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"bracketed dot", "example[.]com", "GB",
			one("example[.]com", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"spaced dot", "go to example . com", "GB",
			one("example . com", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"full width", "＞ｅｘａｍｐｌｅ．ｃｏｍ＜", "GB",
			one("ｅｘａｍｐｌｅ．ｃｏｍ", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"zero-width inside", "exa\u200bmple.co\u200dm", "GB",
			one("exa\u200bmple.co\u200dm", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"zero-width at the edges stays outside the span", "\u200bexample.com\u200b", "GB",
			one("example.com", linkpolicy.ReasonDomain, "example.com")},
		{"cyrillic look-alikes", "ехаmрlе.com", "GB",
			one("ехаmрlе.com", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"ideographic full stop", "官网example。com", "GB",
			one("example。com", linkpolicy.ReasonObfuscatedDomain, "example.com")},
		{"email", "write to john.smith@gmail.com.", "GB",
			one("john.smith@gmail.com", linkpolicy.ReasonEmail, "john.smith@gmail.com")},
		{"email spelled out", "john at gmail dot com", "GB",
			one("john at gmail dot com", linkpolicy.ReasonEmail, "john@gmail.com")},
		{"at before a plain domain is not an address", "available at amazon.co.uk", "GB",
			one("amazon.co.uk", linkpolicy.ReasonDomain, "amazon.co.uk")},
		{"uk mobile", "call 07400 123456 now", "GB",
			one("07400 123456", linkpolicy.ReasonPhone, "+447400123456")},
		{"uk number with (0)", "+44 (0)20 7946 0958", "GB",
			one("+44 (0)20 7946 0958", linkpolicy.ReasonPhone, "+442079460958")},
		{"international number in any region", "ring +49 1512 3456789", "US",
			one("+49 1512 3456789", linkpolicy.ReasonPhone, "+4915123456789")},
		{"00 prefix", "0049 1512 3456789", "GB",
			one("0049 1512 3456789", linkpolicy.ReasonPhone, "+4915123456789")},
		{"national number needs its region", "call 07400 123456 now", "US", none},
		{"national number without region", "call 07400 123456 now", "", none},
		{"indonesian number with country code, no plus", "nego 6281234567890", "ID",
			one("6281234567890", linkpolicy.ReasonPhone, "+6281234567890")},
		{"digits as words", "zero seven four zero zero one two three four five six", "GB",
			one("zero seven four zero zero one two three four five six", linkpolicy.ReasonPhone, "+447400123456")},
		{"whatsapp number is one handle", "WA 0812-3456-7890 ya", "ID",
			one("WA 0812-3456-7890", linkpolicy.ReasonMessagingHandle, "WhatsApp +6281234567890")},
		{"instagram handle", "follow me on insta @luna.boutique!", "GB",
			one("insta @luna.boutique", linkpolicy.ReasonMessagingHandle, "Instagram @luna.boutique")},
		{"handle then app", "follow @lunabags on IG", "GB",
			one("@lunabags on IG", linkpolicy.ReasonMessagingHandle, "Instagram @lunabags")},
		{"wechat", "加微信：luna2024", "GB",
			one("微信：luna2024", linkpolicy.ReasonMessagingHandle, "WeChat luna2024")},
		{"invite link", "join https://chat.whatsapp.com/AbC123 now", "GB",
			one("https://chat.whatsapp.com/AbC123", linkpolicy.ReasonInviteLink, "whatsapp.com")},
		{"invite link swallows the app name", "telegram: t.me/cheapbags", "GB",
			one("telegram: t.me/cheapbags", linkpolicy.ReasonInviteLink, "t.me")},
		{"shortener", "bit.ly/3xYz", "GB",
			one("bit.ly/3xYz", linkpolicy.ReasonShortener, "bit.ly")},
		{"platform link allowed", "see https://shop.example.org/p/1 and http://localhost:8080/live", "GB", none},
		{"platform host on another port is not", "http://localhost:9999/x", "GB",
			one("http://localhost:9999/x", linkpolicy.ReasonURL, "localhost")},
		{"two findings in order", "lunabags.com or 07400 123456", "GB", func(text string) []linkpolicy.Finding {
			return []linkpolicy.Finding{
				f(text, "lunabags.com", linkpolicy.ReasonDomain, "lunabags.com"),
				f(text, "07400 123456", linkpolicy.ReasonPhone, "+447400123456"),
			}
		}},
		{"prices versions measures abbreviations", "£12.99, v2.0, 3.5mm, 2.5kg, e.g. U.S. Dr. Martens No.1 i.e. photo.jpg", "GB", none},
		{"sentence without a space", "Great quality.Love it. so soft.love it", "GB", none},
		{"codes", "Model 2024, 5000mAh, 100% cotton, pack of 12, 2024-05-01, EAN 4006381333931", "DE", none},
		{"german digit runs without trunk prefix", "Kollektion 2023 2024, 20240501", "DE", none},
		{"on-platform mention", "thanks @maria.shop and @luna", "GB", none},
		{"empty", "", "GB", none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Scan(tt.text, tt.region)
			if diff := cmp.Diff(tt.want(tt.text), got); diff != "" {
				t.Errorf("Scan(%q, %q) mismatch (-want +got):\n%s", tt.text, tt.region, diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	p := newPolicy(t)
	gb := market.Market{Code: "GB", ClosedLoopFrom: time.Date(2023, 9, 12, 0, 0, 0, 0, time.UTC)}
	before := time.Date(2023, 9, 11, 23, 59, 59, 0, time.UTC)
	after := time.Date(2023, 9, 12, 0, 0, 0, 0, time.UTC)

	t.Run("blocked after the cut-over with a specific reason", func(t *testing.T) {
		v, err := p.Check("Silk scarf — shop dot example dot com", "title", gb, after)
		if !v.Blocked || v.Warn || len(v.Findings) != 1 {
			t.Fatalf("verdict = %+v, want blocked with one finding", v)
		}
		var e *loopshop.Error
		if !errors.As(err, &e) {
			t.Fatalf("err = %v, want *loopshop.Error", err)
		}
		want := &loopshop.Error{Code: loopshop.EINVALID, Field: "title", Message: `title contains an off-platform link "shop dot example dot com" (obfuscated domain example.com); remove it — sales must stay in loopshop after the GB closed-loop date (2023-09-12)`}
		if diff := cmp.Diff(want, e); diff != "" {
			t.Errorf("error mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("contact and the count of the rest", func(t *testing.T) {
		_, err := p.Check("call 07400 123456 or lunabags.com", "description", gb, after)
		want := `description contains an off-platform contact "07400 123456" (phone number +447400123456) and 1 more; remove them`
		if got := loopshop.ErrorMessage(err); !strings.HasPrefix(got, want) {
			t.Errorf("message = %q, want it to start with %q", got, want)
		}
		if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "description" {
			t.Errorf("err = %v, want EINVALID on description", err)
		}
	})
	t.Run("warned before the cut-over", func(t *testing.T) {
		v, err := p.Check("lunabags.com", "bio", gb, before)
		if err != nil || !v.Warn || v.Blocked || len(v.Findings) != 1 {
			t.Errorf("Check = %+v, %v; want a warning and no error", v, err)
		}
	})
	t.Run("never blocked in a market without a cut-over date", func(t *testing.T) {
		v, err := p.Check("lunabags.com", "bio", market.Market{Code: "IE"}, after)
		if err != nil || !v.Warn || v.Blocked {
			t.Errorf("Check = %+v, %v; want a warning and no error", v, err)
		}
	})
	t.Run("clean text passes", func(t *testing.T) {
		v, err := p.Check("Silk scarf, 90 x 90 cm, £24.99", "title", gb, after)
		if err != nil || v.Blocked || v.Warn || v.Findings != nil {
			t.Errorf("Check = %+v, %v; want a clean verdict", v, err)
		}
	})
	t.Run("phone numbers read in the market's plan", func(t *testing.T) {
		id := market.Market{Code: "ID", ClosedLoopFrom: gb.ClosedLoopFrom}
		if _, err := p.Check("hubungi 0812-3456-7890", "message", id, after); err == nil {
			t.Error("Indonesian number passed in ID")
		}
	})
}

func TestRedact(t *testing.T) {
	p := newPolicy(t)
	tests := []struct{ name, text, want string }{
		{"link and contact", "call 07400 123456 or visit example.com!", "call [contact removed] or visit [link removed]!"},
		{"handle", "WA 0812-3456-7890 ya kak", "[contact removed] ya kak"},
		{"obfuscated", "go to shop dot example dot com now", "go to [link removed] now"},
		{"nothing", "Silk scarf", "Silk scarf"},
		{"non-ASCII around", "官网：ｅｘａｍｐｌｅ．ｃｏｍ，包邮", "官网：[link removed]，包邮"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linkpolicy.Redact(tt.text, p.Scan(tt.text, "GB")); got != tt.want {
				t.Errorf("Redact = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("bad findings are skipped", func(t *testing.T) {
		text := "abc"
		got := linkpolicy.Redact(text, []linkpolicy.Finding{{Start: 2, End: 9}, {Start: 1, End: 1}})
		if got != text {
			t.Errorf("Redact = %q, want %q", got, text)
		}
	})
}

func TestNew(t *testing.T) {
	t.Run("invalid hosts", func(t *testing.T) {
		for _, h := range []string{"", "http://", "a b", "shop.example.org/path"} {
			_, err := linkpolicy.New(linkpolicy.Options{AllowedHosts: []string{"ok.example.org", h}})
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "allowed_hosts[1]" {
				t.Errorf("New(%q) err = %v, want EINVALID on allowed_hosts[1]", h, err)
			}
		}
	})
	t.Run("host forms", func(t *testing.T) {
		p, err := linkpolicy.New(linkpolicy.Options{AllowedHosts: []string{"https://Shop.Example.org", "*.cdn.example.net", "localhost:8080"}})
		if err != nil {
			t.Fatal(err)
		}
		for text, want := range map[string]bool{
			"https://shop.example.org/p/1":      true,
			"shop.example.org":                  true,
			"https://img.cdn.example.net/a.jpg": true,
			"https://cdn.example.net/a.jpg":     true,
			"https://evilcdn.example.net/a.jpg": false,
			"http://localhost:8080/x":           true,
			"http://localhost:8081/x":           false,
			"https://example.org":               false,
		} {
			if got := len(p.Scan(text, "GB")) == 0; got != want {
				t.Errorf("allowed(%q) = %v, want %v", text, got, want)
			}
		}
	})
}

// TestConcurrentScan runs one Policy from many goroutines, as every
// request handler will; -race checks it.
func TestConcurrentScan(t *testing.T) {
	p := newPolicy(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if fs := p.Scan("WA 0812 3456 7890 or lunabags.com", []string{"ID", "GB"}[i%2]); len(fs) == 0 {
					t.Error("no findings")
				}
			}
		})
	}
	wg.Wait()
}

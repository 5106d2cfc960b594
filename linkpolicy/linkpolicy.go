package linkpolicy

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/market"
)

// Reason says what kind of off-platform link or contact a Finding is.
type Reason string

// Reasons, from the most to the least specific when two findings overlap.
const (
	ReasonInviteLink       Reason = "invite_link"       // wa.me/…, t.me/…, discord.gg/…, instagram.com/…
	ReasonShortener        Reason = "shortener"         // bit.ly/…, tinyurl.com/…, linktr.ee/…
	ReasonURL              Reason = "url"               // https://…, www.…, example.com/path
	ReasonEmail            Reason = "email"             // name@example.com, name at example dot com
	ReasonMessagingHandle  Reason = "messaging_handle"  // "WA 0812…", "ig: @brand", "微信: abc123"
	ReasonPhone            Reason = "phone"             // a number valid for the region, or international
	ReasonObfuscatedDomain Reason = "obfuscated_domain" // "shop dot example dot com", "example[.]com", full-width
	ReasonDomain           Reason = "domain"            // a bare "example.com"
)

var rank = map[Reason]int{
	ReasonInviteLink: 8, ReasonShortener: 7, ReasonURL: 6, ReasonEmail: 5,
	ReasonMessagingHandle: 4, ReasonPhone: 3, ReasonObfuscatedDomain: 2, ReasonDomain: 1,
}

// describe is how a reason reads in a sentence.
var describe = map[Reason]string{
	ReasonInviteLink:       "messaging link",
	ReasonShortener:        "shortened link",
	ReasonURL:              "URL",
	ReasonEmail:            "e-mail address",
	ReasonMessagingHandle:  "messaging handle",
	ReasonPhone:            "phone number",
	ReasonObfuscatedDomain: "obfuscated domain",
	ReasonDomain:           "domain",
}

// Contact reports whether r is a way to reach a person (e-mail, phone,
// messaging handle) rather than a link.
func (r Reason) Contact() bool {
	return r == ReasonEmail || r == ReasonPhone || r == ReasonMessagingHandle
}

// Finding is one off-platform link or contact in a text.
type Finding struct {
	// Start and End are byte offsets into the original text:
	// text[Start:End] == Match.
	Start, End int
	Match      string
	Reason     Reason
	// Detail is the normalised target: the registrable domain
	// ("example.com"), the address ("name@example.com"), the E.164 number
	// ("+447911123456") or the app and handle ("Instagram @brand").
	Detail string
}

// String describes f in plain words:
// `off-platform link "shop dot example dot com" (obfuscated domain example.com)`.
func (f Finding) String() string {
	kind := "link"
	if f.Reason.Contact() {
		kind = "contact"
	}
	return fmt.Sprintf("off-platform %s %q (%s %s)", kind, f.Match, describe[f.Reason], f.Detail)
}

// Options configure a Policy.
type Options struct {
	// AllowedHosts are the platform's own hosts, whose links stay allowed:
	// "shop.example.org", "localhost:8080", "https://shop.example.org". An
	// entry with a port allows that port and the host written without one;
	// an entry starting with "*." also allows every subdomain.
	AllowedHosts []string
}

type allowedHost struct {
	name string // lower case, without "*."
	port string // "" for any port
	subs bool   // subdomains allowed too
}

// Policy finds off-platform links and contacts. It is immutable and safe
// for concurrent use.
type Policy struct {
	allowedHosts []allowedHost
}

// New returns a Policy, or an EINVALID error naming an allowed host that is
// not a host.
func New(opts Options) (*Policy, error) {
	p := &Policy{}
	for i, raw := range opts.AllowedHosts {
		s := strings.TrimSpace(raw)
		if strings.Contains(s, "://") {
			u, err := url.Parse(s)
			if err != nil || u.Host == "" {
				return nil, loopshop.Invalid(fmt.Sprintf("allowed_hosts[%d]", i), "%q is neither a host nor a URL with one; write e.g. shop.example.org or localhost:8080", raw)
			}
			s = u.Host
		}
		var a allowedHost
		if h, port, err := net.SplitHostPort(s); err == nil {
			s, a.port = h, port
		}
		if rest, ok := strings.CutPrefix(s, "*."); ok {
			s, a.subs = rest, true
		}
		a.name = strings.ToLower(strings.TrimSuffix(s, "."))
		if a.name == "" || strings.ContainsAny(a.name, "/@ ?#") {
			return nil, loopshop.Invalid(fmt.Sprintf("allowed_hosts[%d]", i), "%q is not a host; write e.g. shop.example.org or localhost:8080", raw)
		}
		p.allowedHosts = append(p.allowedHosts, a)
	}
	return p, nil
}

// allowed reports whether a link to host:port stays on the platform.
func (p *Policy) allowed(host, port string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, a := range p.allowedHosts {
		if a.port != "" && port != "" && a.port != port {
			continue
		}
		if host == a.name || a.subs && strings.HasSuffix(host, "."+a.name) {
			return true
		}
	}
	return false
}

// finding makes a Finding for bytes [a, b) of t.
func finding(t *text, orig string, a, b int, r Reason, detail string) Finding {
	s, e := t.span(a, b)
	return Finding{Start: s, End: e, Match: orig[s:e], Reason: r, Detail: detail}
}

// Scan returns every off-platform link and contact in text, sorted by Start
// and not overlapping. region is the ISO 3166-1 country whose numbering plan
// reads phone numbers written without a country code ("GB"); with "" only
// international numbers (+44…, 0044…) are found.
func (p *Policy) Scan(text, region string) []Finding {
	if text == "" {
		return nil
	}
	region = strings.ToUpper(region)
	fs := p.scanOnce(text, region)
	// A finding ends a word: once it is cut out, as Redact does, what was
	// glued to it may be a link of its own ("x@lunabags.org-WA@shop"
	// shows "x@lunabags.org"). Scan the redacted text again until nothing
	// new turns up, so that Redact never reveals a link.
	for range 4 {
		if len(fs) == 0 {
			break
		}
		red, pieces := redact(text, fs)
		extra := p.scanOnce(red, region)
		if len(extra) == 0 {
			break
		}
		for _, e := range extra {
			start, end := pieces.orig(e.Start, false), pieces.orig(e.End, true)
			fs = append(fs, Finding{Start: start, End: end, Match: text[start:end], Reason: e.Reason, Detail: e.Detail})
		}
		fs = merge(text, fs)
	}
	return fs
}

func (p *Policy) scanOnce(text, region string) []Finding {
	b := normalize(text)
	c := rewriteObfuscations(b)
	var all []Finding
	all = p.scanURLs(c, all, text)
	all = p.scanDomains(c, all, text)
	all = p.scanEmails(c, all, text)
	all = scanPhones(b, all, text, region)
	all = scanSpelledPhones(b, all, text, region)
	all = scanHandles(b, all, text, region)
	return merge(text, all)
}

// merge joins overlapping findings into one covering them all, keeping the
// reason and detail of the most specific.
func merge(text string, all []Finding) []Finding {
	if len(all) == 0 {
		return nil
	}
	slices.SortFunc(all, func(x, y Finding) int {
		if x.Start != y.Start {
			return x.Start - y.Start
		}
		return y.End - x.End
	})
	out := all[:0:0]
	for _, f := range all {
		if f.End <= f.Start {
			continue
		}
		n := len(out)
		if n == 0 || f.Start >= out[n-1].End {
			out = append(out, f)
			continue
		}
		last := &out[n-1]
		if rank[f.Reason] > rank[last.Reason] || rank[f.Reason] == rank[last.Reason] && f.End-f.Start > last.End-last.Start {
			last.Reason, last.Detail = f.Reason, f.Detail
		}
		last.End = max(last.End, f.End)
		last.Match = text[last.Start:last.End]
	}
	return out
}

// Verdict is the outcome of checking one text.
type Verdict struct {
	Findings []Finding
	// Blocked: the market's closed loop is in force and the text must be
	// refused. Warn: the text carries links or contacts but the cut-over
	// date has not come, so it is accepted with a warning.
	Blocked bool
	Warn    bool
}

// Check scans text written into field (a name the user recognises:
// "title", "description", "message") for a shop or person in market m at
// time now. From the market's closed-loop date the text is blocked and the
// error, of kind EINVALID with Field set, names the first offending span;
// before it the verdict only warns.
func (p *Policy) Check(text, field string, m market.Market, now time.Time) (Verdict, error) {
	fs := p.Scan(text, m.Code)
	if len(fs) == 0 {
		return Verdict{}, nil
	}
	if !m.ClosedLoop(now) {
		return Verdict{Findings: fs, Warn: true}, nil
	}
	more, it := "", "it"
	if len(fs) > 1 {
		more, it = fmt.Sprintf(" and %d more", len(fs)-1), "them"
	}
	return Verdict{Findings: fs, Blocked: true}, loopshop.Invalid(field,
		"%s contains an %s%s; remove %s — sales must stay in loopshop after the %s closed-loop date (%s)",
		field, fs[0], more, it, m.Code, m.ClosedLoopFrom.UTC().Format(time.DateOnly))
}

// Redact replaces each finding's span of text with "[link removed]" or
// "[contact removed]", for text that is shown anyway, such as live chat.
// Findings must come from Scan of the same text; any that overlap an
// earlier one or fall outside text are skipped.
func Redact(text string, findings []Finding) string {
	red, _ := redact(text, slices.Clone(findings))
	return red
}

// piece maps a stretch of redacted text back to the original.
type piece struct {
	red, orig, n int  // start in each, length in the redacted text
	origEnd      int  // end in the original
	replaced     bool // the stretch is a placeholder for [orig, origEnd)
}

type pieces []piece

// orig maps offset x of the redacted text to the original; an offset
// inside a placeholder goes to the start of what it replaced, or with end
// set to its end.
func (ps pieces) orig(x int, end bool) int {
	for _, p := range ps {
		if x < p.red || x > p.red+p.n || x == p.red+p.n && !end {
			continue
		}
		if !p.replaced {
			return p.orig + x - p.red
		}
		if end && x > p.red {
			return p.origEnd
		}
		return p.orig
	}
	return ps[len(ps)-1].origEnd
}

func redact(text string, fs []Finding) (string, pieces) {
	slices.SortFunc(fs, func(x, y Finding) int { return x.Start - y.Start })
	var sb strings.Builder
	var ps pieces
	keep := func(a, b int) {
		ps = append(ps, piece{red: sb.Len(), orig: a, n: b - a, origEnd: b})
		sb.WriteString(text[a:b])
	}
	prev := 0
	for _, f := range fs {
		if f.Start < prev || f.End > len(text) || f.End <= f.Start {
			continue
		}
		keep(prev, f.Start)
		ph := "[link removed]"
		if f.Reason.Contact() {
			ph = "[contact removed]"
		}
		ps = append(ps, piece{red: sb.Len(), orig: f.Start, n: len(ph), origEnd: f.End, replaced: true})
		sb.WriteString(ph)
		prev = f.End
	}
	keep(prev, len(text))
	return sb.String(), ps
}

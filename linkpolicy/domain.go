package linkpolicy

import (
	"net"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Label characters: digits and letters of the scripts domains are written
// in. Chinese and other unspaced scripts are left out so that "请访问
// example.com" yields "example.com", not the whole sentence.
const lbl = `[0-9\p{Latin}\p{Greek}\p{Cyrillic}]`

var (
	hostPattern = `(?:` + lbl + `+(?:-+` + lbl + `+)*\.)+` + lbl + `+(?:-+` + lbl + `+)*`
	reHost      = regexp.MustCompile(hostPattern)
	reHostAt    = regexp.MustCompile(`^` + hostPattern)
)

// schemeNames start a URL before "://", the defanged "hxxp" included.
var schemeNames = []string{"https", "http", "hxxps", "hxxp", "ftps", "ftp"}

// isURLByte: printable ASCII but space, quotes, angle brackets and
// backtick may follow a scheme or a host as path, query or fragment.
func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`'
}

// maxURL bounds how far a URL is read, so that a text made of one long
// URL-like run is still read in linear time.
const maxURL = 2048

// urlRun returns the URL characters at the start of s.
func urlRun(s string) string {
	n := 0
	for n < len(s) && n < maxURL && isURLByte(s[n]) {
		n++
	}
	return s[:n]
}

// pathAfter returns the port and path that follow a host at the start of
// s: ":8443/guide", "/sale", ":8080".
func pathAfter(s string) string {
	n := 0
	if strings.HasPrefix(s, ":") {
		n = 1
		for n < len(s) && n <= 5 && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 1 || n < len(s) && isLabelByte(s[n]) {
			return "" // not a port: "time:10am", "x:123456"
		}
	}
	if n < len(s) && s[n] == '/' {
		return s[:n] + urlRun(s[n:])
	}
	return s[:n]
}

// linkTLDs are the top-level domains a bare name ("example.com",
// "brand.shop") is reported under: the ones that carry nearly all links in
// shop spam, and the country codes of the markets loopshop serves and of the
// big marketplaces. Other ICANN TLDs need a scheme, "www." or a path, because
// so many of them are ordinary words (".love", ".design", ".kg", ".zip")
// that a missing space after a full stop would turn into a "domain".
var linkTLDs = set("com", "net", "org", "info", "biz", "xyz", "top", "online", "site", "website",
	"store", "shop", "club", "vip", "link", "click", "app", "dev", "page", "live", "io", "co", "me",
	"ly", "gl", "gd", "cc", "ws", "tv", "gg", "to", "su", "pw", "icu", "buzz", "cyou", "asia",
	"uk", "us", "de", "fr", "es", "it", "ie", "eu", "nl", "ch", "pl", "ru", "cn", "id", "au",
	"jp", "kr", "br", "mx", "sg", "hk", "tw")

// spacedTLDs are the TLDs that "example . com" or "example. com" is
// reported under: the spaced forms look like the end of a sentence, so only
// TLDs that are not ordinary words count.
var spacedTLDs = set("com", "net", "org", "info", "biz", "xyz", "io", "ly", "uk", "de", "fr", "es",
	"eu", "ie", "nl", "ru", "cn")

// wordDotTLDs are the TLDs "example dot com" is reported under: not "top"
// or "shop" ("polka dot top"), nor "co" ("polka dot co ord set").
// weakDotTLDs also leave out what follows "point"/"punto" in French,
// Spanish and Italian: "point de croix", "punto es", "punto it".
var (
	wordDotTLDs = set("com", "net", "org", "info", "biz", "xyz", "io", "ly", "uk", "de", "fr", "es",
		"it", "eu", "ie", "nl", "ru", "cn", "id")
	weakDotTLDs = set("com", "net", "org", "info", "biz", "xyz", "io", "ly", "uk", "eu", "ru", "cn")
)

// caseFreeTLDs are reported whatever their case. Any other TLD written with
// a capital ("great.Love it", "fishing net.Net weight", "BEST PRICE.SHOP
// NOW") is read as a sentence boundary.
var caseFreeTLDs = set("com", "org", "biz", "xyz")

// Hosts whose links are messaging or social-media contacts.
var messagingHosts = set("wa.me", "wa.link", "whatsapp.com", "whatsapp.net", "t.me", "telegram.me",
	"telegram.org", "telegram.dog", "telesco.pe", "discord.gg", "discord.com", "discordapp.com",
	"discord.me", "line.me", "lin.ee", "wechat.com", "weixin.qq.com", "m.me", "messenger.com",
	"ig.me", "instagram.com", "instagr.am", "fb.me", "fb.com", "facebook.com", "snapchat.com",
	"signal.me", "signal.group", "viber.com", "kik.me", "zalo.me", "open.kakao.com", "join.skype.com")

// URL shorteners and link-in-bio services: the destination is hidden.
var shortenerHosts = set("bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd",
	"v.gd", "buff.ly", "cutt.ly", "rebrand.ly", "shorturl.at", "rb.gy", "tiny.cc", "s.id", "bit.do",
	"lnkd.in", "linktr.ee", "t.ly", "shorte.st", "adf.ly", "amzn.to", "amzn.eu", "a.co", "shope.ee",
	"tokopedia.link", "onelink.me", "bl.ink", "dub.sh", "t.cn", "url.cn", "dwz.cn", "surl.li",
	"short.gy", "lnk.to", "lnk.bio", "beacons.ai", "snip.ly", "clck.ru", "qrco.de", "y2u.be")

// mailProviders are the e-mail domains for which "name at gmail.com" is an
// address even though the dot is not written out.
var mailProviders = set("gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn",
	"icloud", "me", "mac", "aol", "gmx", "web", "t-online", "freenet", "proton", "protonmail",
	"orange", "free", "laposte", "sfr", "wanadoo", "libero", "virgilio", "qq", "163", "126",
	"yandex", "mail", "zoho", "btinternet", "sky")

// bareProviders are the mail providers whose name alone completes an
// address: "lunabags@gmail", "lunabags at hotmail".
var bareProviders = map[string]string{"gmail": "gmail.com", "googlemail": "googlemail.com",
	"hotmail": "hotmail.com", "yahoo": "yahoo.com", "ymail": "ymail.com", "outlook": "outlook.com",
	"icloud": "icloud.com", "gmx": "gmx.net", "protonmail": "protonmail.com", "qq": "qq.com",
	"yandex": "yandex.ru"}

// atStopwords are words that precede a spelled-out "at" in ordinary
// sentences ("available at …", "find us at …"); they are never the local
// part of an address written as "name at example dot com".
var atStopwords = set("me", "us", "him", "her", "them", "it", "buy", "shop", "order", "find",
	"available", "look", "looking", "sale", "sold", "online", "here", "there", "now", "only", "also",
	"cheap", "cheaper", "price", "prices", "check", "store", "more", "all", "is", "are", "was", "get",
	"stock", "visit", "see", "meet", "arrive", "arrives", "ships", "shipping", "deliver", "delivery")

// articles precede "dot"/"point" in sentences, never in domain names.
var articles = set("the", "a", "an", "this", "that", "der", "die", "das", "ein", "eine", "le", "la",
	"les", "un", "une", "el", "los", "las", "il", "lo", "gli", "uno", "una", "de", "du", "des")

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// host is a checked host name.
type host struct {
	name        string // lower case, as written (Unicode kept)
	registrable string // eTLD+1 under the ICANN rules, e.g. "example.co.uk"
	suffix      string // ICANN public suffix, e.g. "co.uk"
	top         string // last label as written, case kept
}

// parseHost checks that name is a domain under an ICANN top-level domain with
// a registrable label before its public suffix.
func parseHost(name string) (host, bool) {
	lower := strings.ToLower(strings.TrimSuffix(name, "."))
	if lower == "" || len(lower) > 253 {
		return host{}, false
	}
	labels := strings.Split(lower, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return host{}, false
		}
	}
	top := labels[len(labels)-1]
	if !strings.HasPrefix(top, "xn--") {
		for _, r := range top {
			if !unicode.IsLetter(r) {
				return host{}, false
			}
		}
	}
	ascii := lower
	if !isASCII(lower) {
		a, err := idna.Lookup.ToASCII(lower)
		if err != nil {
			return host{}, false
		}
		ascii = a
	}
	suffix, ok := icannSuffix(ascii)
	if !ok || len(suffix) >= len(ascii) {
		return host{}, false
	}
	// ascii ends with "."+suffix; the registrable domain is one label more.
	rest := ascii[:len(ascii)-len(suffix)-1]
	reg := rest[strings.LastIndexByte(rest, '.')+1:] + "." + suffix
	if !isASCII(lower) {
		if u, err := idna.Lookup.ToUnicode(reg); err == nil {
			reg = u
		}
	}
	name = strings.TrimSuffix(name, ".")
	return host{name: lower, registrable: reg, suffix: suffix, top: name[strings.LastIndexByte(name, '.')+1:]}, true
}

// isTLD reports whether label, lower case in ASCII, is an ICANN top-level
// domain.
func isTLD(label string) bool {
	if label == "" {
		return false
	}
	if !isASCII(label) {
		a, err := idna.Lookup.ToASCII(strings.ToLower(label))
		if err != nil {
			return false
		}
		label = a
	}
	s, icann := publicsuffix.PublicSuffix(label)
	return icann && s == label
}

// icannSuffix returns the public suffix of an ASCII domain under the ICANN
// section of the list, skipping private suffixes such as myshopify.com.
func icannSuffix(domain string) (string, bool) {
	s, icann := publicsuffix.PublicSuffix(domain)
	for !icann {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return "", false
		}
		s, icann = publicsuffix.PublicSuffix(s[i+1:])
	}
	return s, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// inList reports whether h or a parent domain of h is in list.
func inList(list map[string]bool, h string) bool {
	for {
		if list[h] {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return false
		}
		h = h[i+1:]
	}
}

// classify names what kind of link a host makes.
func classify(h string, fallback Reason) Reason {
	switch {
	case inList(messagingHosts, h):
		return ReasonInviteLink
	case inList(shortenerHosts, h):
		return ReasonShortener
	}
	return fallback
}

// trimURL drops punctuation that ends the sentence rather than the URL.
func trimURL(s string) string {
	for len(s) > 0 {
		c := s[len(s)-1]
		switch {
		case strings.IndexByte(".,;:!?*", c) >= 0:
		case c == ')' && strings.Count(s, "(") < strings.Count(s, ")"):
		case c == ']' && strings.Count(s, "[") < strings.Count(s, "]"):
		case c == '}' && strings.Count(s, "{") < strings.Count(s, "}"):
		default:
			return s
		}
		s = s[:len(s)-1]
	}
	return s
}

// urlHost extracts host and port from the part of a URL after "://"; ok
// is false when there is no host name or IP address there.
func urlHost(rest string) (hostname, port string, ok bool) {
	auth := rest
	if i := strings.IndexAny(auth, "/?#\\"); i >= 0 {
		auth = auth[:i]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	hostname = auth
	if h, p, err := net.SplitHostPort(auth); err == nil {
		hostname, port = h, p
		if strings.Trim(port, "0123456789") != "" {
			return "", "", false
		}
	}
	hostname = strings.ToLower(hostname)
	if strings.HasPrefix(auth, "[") {
		hostname = strings.TrimSuffix(strings.TrimPrefix(hostname, "["), "]")
		return hostname, port, net.ParseIP(hostname) != nil
	}
	if hostname == "" || strings.Trim(hostname, ".") == "" {
		return "", "", false
	}
	for _, r := range hostname {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "", "", false
		}
	}
	return hostname, port, true
}

// schemeIndex returns where URL schemes ("https://") are in t.s.
func (t *text) schemeIndex() [][2]int {
	if t.scanned {
		return t.schemes
	}
	t.scanned = true
	for from := 0; ; {
		i := strings.Index(t.s[from:], "://")
		if i < 0 {
			break
		}
		i += from
		from = i + 3
		for _, sc := range schemeNames {
			if strings.HasSuffix(t.low[:i], sc) {
				t.schemes = append(t.schemes, [2]int{i - len(sc), i + 3})
				break
			}
		}
	}
	return t.schemes
}

// segments splits t.s before each URL scheme: in "Linkhttps://…" or
// "name@example.comhttps://…" the scheme starts a new word.
func (t *text) segments() [][2]int {
	var out [][2]int
	from := 0
	for _, sc := range t.schemeIndex() {
		if sc[0] > from {
			out = append(out, [2]int{from, sc[0]})
		}
		from = sc[0]
	}
	return append(out, [2]int{from, len(t.s)})
}

// scanURLs finds links written with a scheme.
func (p *Policy) scanURLs(t *text, out []Finding, orig string) []Finding {
	// Each scheme starts a URL, even inside another one's query
	// ("https://a.example/?u=https://b.example"); overlaps merge later.
	schemes := t.schemeIndex()
	for k, sc := range schemes {
		a, b := sc[0], sc[1]
		limit := len(t.s)
		if k+1 < len(schemes) {
			limit = schemes[k+1][0] // the next URL is its own finding
		}
		rest := trimURL(urlRun(t.s[b:limit]))
		if rest == "" {
			continue
		}
		b += len(rest)
		hn, port, ok := urlHost(rest)
		if !ok || p.allowed(hn, port) {
			continue
		}
		detail := hn
		if h, ok := parseHost(hn); ok {
			detail = h.registrable
		}
		out = append(out, finding(t, orig, a, b, classify(hn, ReasonURL), detail))
	}
	return out
}

// hostChains returns the host-like runs of t.s: label characters,
// hyphens and dots around each dot, within one segment.
func (t *text) hostChains() [][2]int {
	s := t.s
	var out [][2]int
	for _, seg := range t.segments() {
		end := seg[0]
		for from := seg[0]; from < seg[1]; {
			i := strings.IndexByte(s[from:seg[1]], '.')
			if i < 0 {
				break
			}
			i += from
			from = i + 1
			if i < end || i == seg[0] || i+1 >= seg[1] || !labelRuneBefore(s, i) || !labelRuneAt(s, i+1) {
				continue // a full stop ending a sentence, not a dot in a name
			}
			a, b := i, i+1
			for a > seg[0] {
				r, n := utf8.DecodeLastRuneInString(s[seg[0]:a])
				if !isLabelRune(r) && r != '-' && r != '.' {
					break
				}
				a -= n
			}
			for b < seg[1] {
				r, n := utf8.DecodeRuneInString(s[b:seg[1]])
				if !isLabelRune(r) && r != '-' && r != '.' {
					break
				}
				b += n
			}
			for _, m := range reHost.FindAllStringIndex(s[a:b], -1) {
				out = append(out, [2]int{a + m[0], a + m[1]})
			}
			end, from = b, max(from, b)
		}
	}
	return out
}

// scanDomains finds host names written without a scheme: "www.example.com",
// "example.com/shop", "example.co.uk", and their obfuscated forms.
func (p *Policy) scanDomains(t *text, out []Finding, orig string) []Finding {
	for _, m := range t.hostChains() {
		a, b := m[0], m[1]
		// No host is longer than 253 bytes: read a longer chain in
		// windows of whole labels, from its end.
		for b-a > 253 {
			w := b - 253
			w += strings.IndexByte(t.s[w:b], '.') + 1
			out = p.scanChain(t, orig, w, b, out)
			b = w - 1
		}
		out = p.scanChain(t, orig, a, b, out)
	}
	return out
}

// scanChain looks for a domain in the dotted chain t.s[a:b]. The domain may
// end before the last dot ("example.com.Love it") or start after an
// obfuscated one ("the dot lunabags.com"); what is left on either side is
// searched in turn.
func (p *Policy) scanChain(t *text, orig string, a, b int, out []Finding) []Finding {
	e := b
	for range 8 {
		// No name ending in a label that is no TLD can be a domain,
		// wherever it starts.
		if top := t.low[strings.LastIndexByte(t.low[a:e], '.')+a+1 : e]; isTLD(top) {
			for _, s := range starts(t, a, e) {
				f, ok, allowed := p.domainAt(t, orig, s, e)
				if !ok && !allowed {
					continue
				}
				if ok {
					out = append(out, f)
				}
				if s-1 > a {
					out = p.scanChain(t, orig, a, s-1, out)
				}
				if e+1 < b {
					out = p.scanChain(t, orig, e+1, b, out)
				}
				return out
			}
		}
		i := strings.LastIndexByte(t.s[a:e], '.')
		if i < 0 || strings.IndexByte(t.s[a:a+i], '.') < 0 {
			break
		}
		e = a + i
	}
	return out
}

// starts returns a and the position after each obfuscated dot in [a, b).
func starts(t *text, a, b int) []int {
	starts := []int{a}
	for i := a; i < b; i++ {
		if t.s[i] == '.' && t.mark != nil && t.mark[i] != markNone {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// domainAt decides whether the host name t.s[a:b] is an off-platform link;
// allowed reports a platform host, which ends the search.
func (p *Policy) domainAt(t *text, orig string, a, b int) (f Finding, ok, allowed bool) {
	name := t.s[a:b]
	h, ok := parseHost(name)
	if !ok {
		return Finding{}, false, false
	}
	end := b
	tail := pathAfter(t.s[b:])
	port := ""
	if tail != "" {
		if rest, ok := strings.CutPrefix(tail, ":"); ok {
			port = rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))]
		}
		end = b + len(trimURL(tail))
	}
	if p.allowed(h.name, port) {
		return Finding{}, false, true
	}
	r := classify(h.name, "")
	withPath := end > b && (end-b > 1 || t.s[b] == ':')
	switch {
	case r != "":
		// Shorteners and messaging links count however they are written.
	case strings.HasPrefix(h.name, "www.") || withPath:
		r = ReasonURL
	default:
		if !bareDomain(t, a, b, h) {
			return Finding{}, false, false
		}
		if a > 0 && t.s[a-1] == '@' && !caseFreeTLDs[h.suffix] && !strings.Contains(h.suffix, ".") {
			// "@maria.shop" is a loopshop username; "@lunabags.com"
			// and "@brand.co.uk" are too plainly addresses to be.
			return Finding{}, false, false
		}
		r = ReasonDomain
	}
	if !withPath {
		end = b
	}
	f = finding(t, orig, a, end, r, h.registrable)
	if r == ReasonDomain && (t.maxMark(a, b) > markNone || !strings.EqualFold(f.Match, name)) {
		f.Reason = ReasonObfuscatedDomain
	}
	return f, true, false
}

// bareDomain applies the rules for a host written without scheme, "www."
// or path; see the package comment for why they are shaped so.
func bareDomain(t *text, a, b int, h host) bool {
	tld := h.suffix[strings.LastIndexByte(h.suffix, '.')+1:]
	multi := strings.Contains(h.suffix, ".") // co.uk, com.au, co.id: never words
	mark := t.maxMark(a, b)
	if mark == markWord || mark == markWordWeak {
		// "the dot com bubble": an article is no domain name.
		first := strings.ToLower(t.s[a : a+strings.IndexByte(t.s[a:b], '.')])
		if articles[first] {
			return false
		}
	}
	switch mark {
	case markBracket:
		return linkTLDs[tld]
	case markWord:
		if !wordDotTLDs[tld] && !multi {
			return false
		}
	case markWordWeak:
		if !weakDotTLDs[tld] && !multi {
			return false
		}
	case markSpaced:
		if !spacedTLDs[tld] && !multi {
			return false
		}
	default:
		if !linkTLDs[tld] {
			return false
		}
	}
	if multi || caseFreeTLDs[tld] {
		return true
	}
	return h.top == strings.ToLower(h.top)
}

// scanEmails finds e-mail addresses, including "name at example dot com"
// and "name(at)example.com".
func (p *Policy) scanEmails(t *text, out []Finding, orig string) []Finding {
	for _, sep := range t.atSigns() {
		x, y := sep[0], sep[1]
		// The local part, as far left as its characters go.
		la := x
		for la > 0 && isLocalByte(t.low[la-1]) {
			la--
		}
		for la < x && !isAlnum(t.low[la]) {
			la++
		}
		if la >= x || !isAlnum(t.low[x-1]) && t.low[x-1] != '_' {
			continue
		}
		if la > 0 && (isLabelByte(t.s[la-1]) || t.s[la-1] == '.') {
			continue
		}
		local := t.low[la:x]
		word := strings.TrimSpace(t.low[x:y])
		if word == "@" && isSpace(t.s[x]) != isSpace(t.s[y-1]) {
			// "john @ example.com" is an address; "hello @brand.shop" is
			// a mention, left to the domain and handle rules.
			continue
		}
		spelled := word == "at" || word == "ät" || word == "arroba"
		if spelled && atStopwords[local] {
			continue
		}
		m := reHostAt.FindStringIndex(t.s[y:])
		if m == nil {
			// "lunabags@gmail": the provider says the rest.
			e := y
			for e < len(t.low) && (isAlnum(t.low[e]) || t.low[e] == '-') {
				e++
			}
			if domain, ok := bareProviders[t.low[y:e]]; ok && (e == len(t.s) || !labelRuneAt(t.s, e)) {
				out = append(out, finding(t, orig, la, e, ReasonEmail, local+"@"+domain))
			}
			continue
		}
		b := y + m[1]
		for _, sc := range t.schemeIndex() {
			if y < sc[0] && sc[0] < b {
				b = sc[0]
			}
		}
		h, ok := parseHost(t.s[y:b])
		for !ok && strings.LastIndexByte(t.s[y:b], '.') > 0 && strings.Count(t.s[y:b], ".") > 1 {
			b = y + strings.LastIndexByte(t.s[y:b], '.')
			h, ok = parseHost(t.s[y:b])
		}
		if !ok || p.allowed(h.name, "") {
			continue
		}
		if spelled {
			first := h.registrable[:strings.IndexByte(h.registrable, '.')]
			if t.maxMark(y, b) == markNone && !mailProviders[first] {
				continue
			}
		}
		out = append(out, finding(t, orig, la, b, ReasonEmail, local+"@"+h.name))
	}
	return out
}

// atSigns returns where "@" is written in t.s, with the spaces around it:
// "@", " @ ", "(at)", "[@]", " at ", " arroba ".
func (t *text) atSigns() [][2]int {
	s, low := t.s, t.low
	spread := func(a, b int) [2]int {
		for a > 0 && isSpace(s[a-1]) {
			a--
		}
		for b < len(s) && isSpace(s[b]) {
			b++
		}
		return [2]int{a, b}
	}
	var out [][2]int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '@':
			out = append(out, spread(i, i+1))
		case strings.IndexByte("([{<", s[i]) >= 0:
			j := i + 1
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			for _, w := range []string{"at", "@", "ät"} {
				if strings.HasPrefix(low[j:], w) {
					k := j + len(w)
					for k < len(s) && isSpace(s[k]) {
						k++
					}
					if k < len(s) && strings.IndexByte(")]}>", s[k]) >= 0 {
						out = append(out, spread(i, k+1))
					}
					break
				}
			}
		}
	}
	for _, w := range []string{"at", "ät", "arroba"} {
		for from := 0; ; {
			i := strings.Index(low[from:], w)
			if i < 0 {
				break
			}
			i += from
			from = i + len(w)
			if i > 0 && from < len(s) && isSpace(s[i-1]) && isSpace(s[from]) {
				out = append(out, spread(i, from))
			}
		}
	}
	return out
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isLocalByte(c byte) bool { return isAlnum(c) || strings.IndexByte("._%+_-", c) >= 0 }

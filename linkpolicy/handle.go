package linkpolicy

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// app is a messaging or social app named in text, and what may follow its
// name as the contact.
type app struct {
	name string
	// phone: a number may follow ("WA 0812…"); minDigits is the fewest
	// digits that make one (QQ numbers are short).
	phone     bool
	minDigits int
	// plain: a handle without "@" may follow after a separator ("ig:
	// brand"), or without one when it has a digit or underscore; free: it
	// may follow with nothing between ("vx abc123").
	plain, free bool
	// needSep: the keyword is an ordinary word too ("line", "signal",
	// "snap"), so nothing counts without ":" or "@", and a plain handle
	// only with a digit, underscore or dot in it ("snap: luna_bags", not
	// "Snap: buttons" or "Product line: Classic").
	needSep bool
}

var apps = map[string]app{
	"whatsapp":  {name: "WhatsApp", phone: true},
	"wa":        {name: "WhatsApp", phone: true},
	"telegram":  {name: "Telegram", phone: true, plain: true},
	"tg":        {name: "Telegram", phone: true, plain: true},
	"wechat":    {name: "WeChat", phone: true, plain: true, free: true},
	"qq":        {name: "QQ", phone: true, minDigits: 5},
	"instagram": {name: "Instagram", plain: true},
	"ig":        {name: "Instagram", plain: true},
	"snapchat":  {name: "Snapchat", plain: true},
	"snap":      {name: "Snapchat", plain: true, needSep: true},
	"discord":   {name: "Discord", plain: true},
	"lineid":    {name: "LINE", phone: true, plain: true, free: true},
	"line":      {name: "LINE", plain: true, needSep: true},
	"kik":       {name: "Kik", plain: true, needSep: true},
	"viber":     {name: "Viber", phone: true},
	"signal":    {name: "Signal", phone: true, needSep: true},
	"messenger": {name: "Messenger", plain: true},
	"facebook":  {name: "Facebook", plain: true},
	"skype":     {name: "Skype", plain: true},
	"zalo":      {name: "Zalo", phone: true},
	"kakao":     {name: "KakaoTalk", plain: true},
	"tiktok":    {name: "TikTok"},
}

// appWords are app names as written, lower case, and the app each names.
var appWords = map[string]string{
	"whatsapp": "whatsapp", "whatsap": "whatsapp", "whatapp": "whatsapp", "whatap": "whatsapp",
	"watsapp": "whatsapp", "watsap": "whatsapp", "watapp": "whatsapp", "wasap": "whatsapp",
	"wasapp": "whatsapp", "wa": "wa", "telegram": "telegram", "telegramm": "telegram", "tg": "tg",
	"wechat": "wechat", "weixin": "wechat", "wx": "wechat", "vx": "wechat", "qq": "qq",
	"instagram": "instagram", "insta": "instagram", "ig": "ig", "snapchat": "snapchat",
	"snap": "snap", "discord": "discord", "lineid": "lineid", "line": "line", "kik": "kik",
	"viber": "viber", "signal": "signal", "messenger": "messenger", "facebook": "facebook",
	"fb": "facebook", "skype": "skype", "zalo": "zalo", "kakao": "kakao", "kakaotalk": "kakao",
	"tiktok": "tiktok",
}

// appPairs are names written as two words: "whats app", "line id".
var appPairs = map[string]struct{ second, key string }{
	"whats": {"app", "whatsapp"}, "we": {"chat", "wechat"}, "snap": {"chat", "snapchat"},
	"line": {"id", "lineid"}, "kakao": {"talk", "kakao"}, "tik": {"tok", "tiktok"},
}

// appCJK are app names in Chinese.
var appCJK = []string{"微信号", "微信", "威信", "薇信"}

type appName struct {
	a, b int
	key  string
}

// appNames finds the app names in t.s, in order. A Latin name stands
// alone: "igloo" is not "ig", "wax" is not "wa"; digits may follow
// ("WA081234…").
func (t *text) appNames() []appName {
	s, low := t.s, t.low
	var out []appName
	boundaryAfter := func(end int) bool {
		r, _ := utf8.DecodeRuneInString(s[end:])
		return end == len(s) || !isWordRune(r)
	}
	for i := 0; i < len(low); {
		if c := low[i]; c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i
		for j < len(low) && low[j] >= 'a' && low[j] <= 'z' {
			j++
		}
		a, word := i, low[i:j]
		i = j
		if a > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:a]); isWordRune(r) || unicode.IsDigit(r) {
				continue
			}
		}
		if pair, ok := appPairs[word]; ok {
			k := j
			if k < len(low) && isSpace(low[k]) {
				k++
			}
			if strings.HasPrefix(low[k:], pair.second) && boundaryAfter(k+len(pair.second)) {
				out = append(out, appName{a, k + len(pair.second), pair.key})
				continue
			}
		}
		if word == "v" && strings.HasPrefix(s[j:], "信") {
			out = append(out, appName{a, j + len("信"), "wechat"})
			continue
		}
		if key, ok := appWords[word]; ok && boundaryAfter(j) {
			out = append(out, appName{a, j, key})
		}
	}
	for _, w := range appCJK {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			i += from
			from = i + len(w)
			if w == "微信" && strings.HasPrefix(s[from:], "号") {
				continue
			}
			out = append(out, appName{i, from, "wechat"})
		}
	}
	slices.SortFunc(out, func(x, y appName) int { return x.a - y.a })
	return out
}

var (
	reAt      = regexp.MustCompile(`^@[\p{L}\p{N}_.]{2,32}`)
	rePlain   = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.\-]{1,31}(?:#[0-9]{4})?`)
	reDigits  = regexp.MustCompile(`^\+?\(?[0-9](?:[0-9]|[ \-./]{1,2}\(?[0-9]|\)[ \-./]{0,2}[0-9])*`)
	reWord    = regexp.MustCompile(`^[\p{L}]{1,12}[ \t,/&]+`)
	reMention = regexp.MustCompile(`@[\p{L}\p{N}_.]{2,32}`)
	reWxid    = regexp.MustCompile(`^wxid_[a-z0-9_]{4,}`)
	// Connectors between a handle and the app it is on: "@brand on IG",
	// "@brand (insta)", "@brand di IG".
	reOn = regexp.MustCompile(`(?i)^[ \t]*(?:(?:on|di|auf|sur|en|via|at|bei|an)[ \t]+|[\(\[|/\-–][ \t]*)?`)
)

// idWords stand between an app name and the handle: "WhatsApp number:
// …", "Line ID …", "微信账号：…". Longest first.
var idWords = []string{"username", "handle", "number", "nummer", "numéro", "numero", "nomor", "user",
	"name", "num", "id", "no", "nr", "账号", "号"}

// idWordAt returns the length of the id word at the start of low, with a
// full stop after it ("no."), or 0.
func idWordAt(low string) int {
	for _, w := range idWords {
		if !strings.HasPrefix(low, w) {
			continue
		}
		n := len(w)
		if r, _ := utf8.DecodeRuneInString(low[n:]); n < len(low) && w[0] < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // "nobody", "identity"
		}
		if n < len(low) && low[n] == '.' {
			n++
		}
		return n
	}
	return 0
}

// Words that follow "ig:" or "telegram:" in ordinary sentences and are
// not handles.
var handleStopwords = set("coming", "soon", "available", "only", "none", "same", "below", "above",
	"here", "there", "link", "yes", "no", "ok", "inbox", "dm", "chat", "me", "us", "official",
	"follow", "bio", "profile", "account", "page", "the", "our", "my", "and", "or", "for", "to",
	"not", "n/a", "na", "tba", "later", "ready", "open", "closed", "story", "stories", "post", "reel",
	"reels", "live", "video", "videos", "shop", "store")

// isWordRune reports whether r continues an ASCII keyword: "igloo" is not
// "ig", "wax" is not "wa".
func isWordRune(r rune) bool { return unicode.IsLetter(r) || r == '_' }

// scanHandles finds contacts on messaging and social apps: an app name
// followed by a number or handle, a handle followed by the app it is on,
// and WeChat IDs ("wxid_…").
func scanHandles(t *text, out []Finding, orig, region string) []Finding {
	s := t.s
	names := t.appNames()
	for _, n := range names {
		a, b, key := n.a, n.b, n.key
		ap := apps[key]
		if key == "line" && strings.HasPrefix(s[b:], "@") {
			// "LINE@brand", "line@ @brand": LINE's business accounts.
			ap.needSep = false
		}
		if end, detail, ok := handleAfter(s, t.low, b, ap, region); ok {
			out = append(out, finding(t, orig, a, end, ReasonMessagingHandle, ap.name+" "+detail))
		}
	}
	for _, m := range reMention.FindAllStringIndex(s, -1) {
		a, b := m[0], m[1]
		if a > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:a]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue // an e-mail address, not a mention
			}
		}
		handle := strings.TrimRight(s[a:b], ".")
		b = a + len(handle)
		rest := s[b:]
		on := reOn.FindString(rest)
		at := b + len(on)
		k, found := slices.BinarySearchFunc(names, at, func(n appName, at int) int { return n.a - at })
		if !found {
			continue
		}
		key, end := names[k].key, names[k].b
		if apps[key].needSep {
			continue // "@maria on line 3"
		}
		if strings.HasSuffix(on, "(") || strings.HasSuffix(on, "[") {
			if end < len(s) && (s[end] == ')' || s[end] == ']') {
				end++
			}
		}
		out = append(out, finding(t, orig, a, end, ReasonMessagingHandle, apps[key].name+" "+handle))
	}
	for from := 0; ; {
		i := strings.Index(t.low[from:], "wxid_")
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		if m := reWxid.FindString(t.low[i:]); m != "" {
			out = append(out, finding(t, orig, i, i+len(m), ReasonMessagingHandle, "WeChat "+s[i:i+len(m)]))
			from = i + len(m)
		}
	}
	return out
}

// handleAfter reads the contact that follows an app name ending at p.
// It returns where the contact ends and how to show it.
func handleAfter(s, low string, p int, ap app, region string) (int, string, bool) {
	kwEnd := p
	skip := func() {
		for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
			p++
		}
	}
	skip()
	sep := false
	if n := idWordAt(low[p:]); n > 0 {
		p += n
		sep = true
		skip()
	}
	if p == kwEnd && p+1 < len(s) && s[p] == '-' && isWordRune(rune(s[p+1])) {
		return 0, "", false // "Instagram-worthy": a compound word
	}
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !strings.ContainsRune(":=-|>~–—→⇒➔➜➡»：👉", r) {
			break
		}
		p += n
		sep = true
		skip()
	}
	skip()
	// "@handle", possibly a few words on: "instagram and tiktok @brand",
	// "my insta is @brand".
	q := p
	tries := 4
	if ap.needSep {
		tries = 1 // "LINE: @brand", not "product line for @maria"
	}
	for range tries {
		if h := reAt.FindString(s[q:]); h != "" {
			h = strings.TrimRight(h, ".")
			return q + len(h), h, true
		}
		w := reWord.FindString(s[q:])
		if w == "" {
			break
		}
		q += len(w)
	}
	if ap.needSep && !sep {
		return 0, "", false
	}
	if ap.phone {
		// The number, possibly a few words on: "WhatsApp me +44…",
		// "wa aku ya 0812…".
		q := p
		for range tries {
			if end, num, ok := numberAt(s, q, ap, region, q > p); ok {
				return end, num, true
			}
			w := reWord.FindString(s[q:])
			if w == "" {
				break
			}
			q += len(w)
		}
	}
	if ap.plain {
		h := strings.TrimRight(rePlain.FindString(s[p:]), ".-")
		if len(h) < 3 || handleStopwords[strings.ToLower(h)] {
			return 0, "", false
		}
		hasLetter := strings.IndexFunc(h, unicode.IsLetter) >= 0
		marked := strings.ContainsAny(h, "_0123456789")
		if ap.needSep && !marked && !strings.Contains(h, ".") {
			return 0, "", false
		}
		if hasLetter && (sep || ap.free || marked) {
			return p + len(h), h, true
		}
	}
	return 0, "", false
}

// numberAt reads a phone or account number at p. Right after the app's
// name any run of digits counts; a few words on ("wa aja kak harga
// 150000") only a valid phone number does.
func numberAt(s string, p int, ap app, region string, strict bool) (int, string, bool) {
	d := reDigits.FindString(s[p:])
	if d == "" {
		return 0, "", false
	}
	end := p + len(d)
	if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && unicode.IsLetter(r) {
		return 0, "", false
	}
	minDigits := ap.minDigits
	if minDigits == 0 {
		minDigits = 6
	}
	if n := len(digitsOf(d)); n < minDigits || n > 15 {
		return 0, "", false
	}
	num, ok := parsePhone(d, region, !strict)
	return end, num, ok
}

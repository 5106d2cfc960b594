// Package richtext cleans the HTML sellers write (product descriptions,
// from forms and from Shopify files) down to harmless formatting, and
// derives its plain text for search and for the closed-loop check.
package richtext

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// bodyPolicy keeps the formatting a product description needs and nothing
// that could run code, track buyers or lead them off the platform: no
// attributes at all (so no style, class, on* or href), no links (their text
// stays, since the closed-loop policy refuses links to other sites
// anyway), no images, iframes or forms. A policy is safe for concurrent use
// once built, and this one is never changed after.
var bodyPolicy = bluemonday.NewPolicy().AllowElements(
	"p", "br", "hr", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins",
	"sub", "sup", "small", "mark", "blockquote", "pre", "code",
	"h1", "h2", "h3", "h4", "h5", "h6",
	"ul", "ol", "li", "dl", "dt", "dd",
	"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
)

// Sanitize returns the description reduced to bodyPolicy. It repeats
// until the output no longer changes, so that sanitising what it returns
// gives the same text back: that is what makes Read(Write(products))
// return the products unchanged.
func Sanitize(s string) string {
	out := strings.TrimSpace(bodyPolicy.Sanitize(s))
	for range 4 {
		again := strings.TrimSpace(bodyPolicy.Sanitize(out))
		if again == out {
			break
		}
		out = again
	}
	return out
}

// blockElements end a line of the plain-text version.
var blockElements = map[string]bool{
	"p": true, "br": true, "hr": true, "blockquote": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"table": true, "caption": true, "tr": true, "div": true,
}

// PlainText renders sanitised HTML as text: entities decoded, one line per
// paragraph, heading, list item or table row, runs of spaces collapsed.
func PlainText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF, or a read error a strings.Reader never has.
			return tidyLines(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch {
			case blockElements[string(name)]:
				b.WriteByte('\n')
			case string(name) == "td" || string(name) == "th":
				b.WriteByte(' ')
			}
		}
	}
}

// tidyLines collapses white space within lines and drops empty lines.
func tidyLines(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

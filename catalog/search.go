package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/page"
)

// Search limits: a query is cut to its first MaxSearchTerms words of at
// most 40 characters each, so a hostile query cannot make the index work hard.
const (
	MaxSearchTerms = 8
	maxTermLen     = 40
)

// SearchTerms splits a buyer's query into the words the index matches:
// letters and digits, lower-cased; everything else separates words. Both
// engines' indexes tokenise the same way, and no query syntax of either
// engine can pass through.
func SearchTerms(q string) []string {
	var terms []string
	for _, f := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(terms) == MaxSearchTerms {
			break
		}
		if r := []rune(f); len(r) > maxTermLen {
			f = string(r[:maxTermLen])
		}
		terms = append(terms, f)
	}
	return terms
}

// SearchStore finds products by text.
type SearchStore interface {
	// SearchProducts returns a market's active products matching every
	// term (the last as a prefix), best match first, from offset, up to limit.
	SearchProducts(ctx context.Context, market string, terms []string, offset, limit int) ([]*Product, error)
}

// Search finds a market's live products by words in their title, brand,
// category, tags and description, best match first. Pages are cursor-
// paginated like every list; the cursor is opaque.
func (s *Service) Search(ctx context.Context, marketCode, query string, r page.Request) (page.Page[*Product], error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	terms := SearchTerms(query)
	if len(terms) == 0 {
		return page.Page[*Product]{}, loopshop.Invalid("q", "search for at least one word, e.g. ?q=mascara")
	}
	offset := 0
	if r.After != "" {
		offset, err = strconv.Atoi(r.After)
		if err != nil || offset < 0 || offset > 10_000 {
			return page.Page[*Product]{}, loopshop.Invalid("cursor", "cursor is malformed; pass next_cursor from the previous page unchanged")
		}
	}
	items, err := s.store.SearchProducts(ctx, m.Code, terms, offset, r.Limit+1)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("search: %w", err)
	}
	next := strconv.Itoa(offset + r.Limit)
	return page.Make(items, r, func(*Product) string { return next }), nil
}

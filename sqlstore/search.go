package sqlstore

import (
	"context"
	"strings"

	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/loopshop/loopshop/catalog"
)

// SearchProducts is one of the few queries whose body differs by engine:
// SQLite's FTS5 and PostgreSQL's tsvector have nothing in common but the
// idea. The terms have been reduced to letters and digits by the catalog,
// so neither engine's query syntax can be injected.
func (s *CatalogStore) SearchProducts(ctx context.Context, market string, terms []string, offset, limit int) ([]*catalog.Product, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var query string
	var match string
	switch db.Engine() {
	case SQLite:
		// "a" "b"* : every term, the last as a prefix; quotes make each a
		// plain string to FTS5. The index strips diacritics; so do we.
		q := make([]string, len(terms))
		for i, t := range terms {
			q[i] = `"` + stripMarks(t) + `"`
		}
		q[len(q)-1] += "*"
		match = strings.Join(q, " ")
		query = `SELECT ` + prefixed("p.", productColumns) + ` FROM products_fts f JOIN products p ON p.rowid = f.rowid
			WHERE products_fts MATCH ? AND p.market = ? AND p.status = ?
			ORDER BY bm25(products_fts, 10.0, 5.0, 3.0, 3.0, 1.0), p.id DESC LIMIT ? OFFSET ?`
	default:
		q := make([]string, len(terms))
		copy(q, terms)
		q[len(q)-1] += ":*"
		match = strings.Join(q, " & ")
		query = `SELECT ` + prefixed("p.", productColumns) + ` FROM products p
			WHERE p.search @@ to_tsquery('simple', ?) AND p.market = ? AND p.status = ?
			ORDER BY ts_rank_cd(p.search, to_tsquery('simple', ?)) DESC, p.id DESC LIMIT ? OFFSET ?`
	}
	args := []any{match, market, catalog.StatusActivate, limit, offset}
	if db.Engine() != SQLite {
		args = []any{match, market, catalog.StatusActivate, match, limit, offset}
	}
	return s.queryProducts(ctx, db, query, args)
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

func stripMarks(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
}

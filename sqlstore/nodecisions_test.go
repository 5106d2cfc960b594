package sqlstore_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The stores apply what the services decide: a status, state, role or
// stock mark in a query is a bound value the service (or the domain
// package's constant) passes, never a literal in SQL, so the names and the
// rules around them live in Go once and not in every engine's query.
func TestNoStatusLiteralsInStores(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var (
		// A quoted word in SQL text: 'ON_HOLD', 'sold'.
		sqlWord = regexp.MustCompile(`'[A-Za-z][A-Za-z_]*'`)
		// A Go string that is a status name: "ENDED".
		statusName = regexp.MustCompile(`^[A-Z][A-Z_]{2,}$`)
		// Words that are SQL's own, not the platform's: PostgreSQL's
		// text-search configuration, SQLite's pragmas and time zone, and
		// the column types migrations are rendered with.
		allowed = []string{"'simple'", "FULL", "WAL", "UTC", "TIMESTAMP", "TIMESTAMPTZ", "BLOB", "BYTEA"}
	)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			found := sqlWord.FindAllString(s, -1)
			if statusName.MatchString(s) {
				found = append(found, s)
			}
			for _, w := range found {
				if !slices.Contains(allowed, w) {
					t.Errorf("%s: the literal %s in a store: pass it as a bound value from the service or the domain package's constant", fset.Position(lit.Pos()), w)
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("checked %d files; run the test from sqlstore", checked)
	}
}

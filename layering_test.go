package loopshop_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/loopshop/loopshop"

// allowedImports is the layering of docs/ARCHITECTURE.md as import edges:
// for each package of the module ("." is the root), the packages of the
// module its non-test files may import. Capabilities import the ones below
// them and never sqlstore, server, api, ui, platform or testkit; a provider
// does not import its consumer to name a type (shared value types live in
// attribution and deal). An edge that is not here fails the test: add it
// only if the drawing in ARCHITECTURE.md still holds with it.
var allowedImports = map[string][]string{
	".":                  {},
	"affiliate":          {".", "catalog", "content", "identity", "linkpolicy", "market", "page"},
	"api":                {".", "affiliate", "catalog", "category", "content", "identity", "live", "market", "media", "order", "page", "payout", "server", "shipping", "shopify", "university"},
	"attribution":        {},
	"catalog":            {".", "category", "fetch", "identity", "jobs", "linkpolicy", "market", "media", "money", "page", "richtext"},
	"category":           {},
	"cmd/loopshop":       {".", "api", "catalog", "config", "demo", "identity", "live", "media", "order", "page", "payment", "platform", "server", "shopify", "sqlstore", "ui", "university"},
	"config":             {"market"},
	"content":            {".", "attribution", "catalog", "identity", "linkpolicy", "market", "media", "money", "page"},
	"deal":               {"attribution"},
	"demo":               {".", "affiliate", "catalog", "content", "identity", "live", "market", "media", "money", "page", "placeholder", "platform", "sqlstore", "university"},
	"fetch":              {".", "media"},
	"idempotency":        {"."},
	"identity":           {".", "market"},
	"jobs":               {"."},
	"ledger":             {".", "money"},
	"linkpolicy":         {".", "market"},
	"live":               {".", "attribution", "catalog", "content", "deal", "identity", "linkpolicy", "market", "money"},
	"market":             {"."},
	"media":              {"."},
	"money":              {"."},
	"order":              {".", "attribution", "deal", "identity", "jobs", "ledger", "market", "money", "page", "payment", "shipping", "tax"},
	"page":               {"."},
	"payment":            {".", "money"},
	"payout":             {".", "identity", "ledger", "market", "money"},
	"placeholder":        {"."},
	"platform":           {".", "affiliate", "catalog", "content", "fetch", "identity", "jobs", "linkpolicy", "live", "market", "media", "order", "payment", "payout", "shipping", "sqlstore", "university"},
	"richtext":           {},
	"scripts/demovideos": {"demo", "placeholder"},
	"server":             {".", "config", "idempotency", "identity"},
	"shipping":           {".", "identity", "market", "money"},
	"shopify":            {".", "catalog", "identity", "market", "money", "page", "shopifycsv"},
	"shopifycsv":         {".", "money", "richtext"},
	"sqlstore":           {".", "affiliate", "catalog", "config", "content", "idempotency", "identity", "jobs", "ledger", "live", "market", "money", "order", "page", "shipping", "university"},
	"sqlstore/sqltest":   {".", "config", "sqlstore"},
	"tax":                {"market"},
	"testkit":            {".", "api", "catalog", "config", "identity", "media", "payment", "platform", "server", "sqlstore", "sqlstore/sqltest"},
	"ui":                 {".", "affiliate", "catalog", "content", "identity", "live", "market", "media", "money", "order", "page", "payment", "payout", "server", "shipping", "shopify", "university"},
	"university":         {".", "identity"},
}

// testOnly are packages only tests may import.
var testOnly = []string{"sqlstore/sqltest", "testkit"}

// Every import between the module's packages is one the layering allows,
// and test kits are imported by tests only.
func TestImportsFollowTheLayering(t *testing.T) {
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "data" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			ip, _ := strconv.Unquote(spec.Path.Value)
			switch {
			case ip == module:
				imports[pkg]["."] = true
			case strings.HasPrefix(ip, module+"/"):
				imports[pkg][strings.TrimPrefix(ip, module+"/")] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 20 {
		t.Fatalf("found %d packages; run the test from the module's root", len(imports))
	}
	for pkg, deps := range imports {
		allowed, ok := allowedImports[pkg]
		if !ok {
			t.Errorf("package %s is not in allowedImports: add it with the packages it may import", pkg)
			continue
		}
		for dep := range deps {
			if slices.Contains(testOnly, dep) && !slices.Contains(testOnly, pkg) {
				t.Errorf("%s imports %s, which only tests may import", pkg, dep)
			} else if !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, an edge the layering does not allow (see allowedImports and docs/ARCHITECTURE.md)", pkg, dep)
			}
		}
	}
}

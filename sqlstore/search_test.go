package sqlstore_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

func TestSearchFindsActiveProductsOfTheMarket(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, _ := seedSKU(t, r) // "Mug"
		shopID := ""
		for id := range seller.Shops {
			shopID = id
		}
		add := func(title, desc string, publish bool) {
			t.Helper()
			if _, err := cat.CreateProduct(ctx, seller, shopID, catalog.NewProduct{Title: title, Description: desc, Category: "beauty",
				SKUs: []catalog.NewSKU{{Price: 1000}}}, publish); err != nil {
				t.Fatal(err)
			}
		}
		add("Essence Mascara Lash Princess", "volumizing mascara", true)
		add("Crème brûlée candle", "smells of vanilla", true)
		add("Secret mascara draft", "not yet live", false)
		add("Red lipstick", "a mascara-free look", true)

		search := func(q string, limit int) []string {
			t.Helper()
			req, err := page.FromQuery(url.Values{"limit": {strconv.Itoa(limit)}})
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for {
				p, err := cat.Search(ctx, "GB", q, req)
				if err != nil {
					t.Fatalf("search %q: %v", q, err)
				}
				for _, it := range p.Items {
					titles = append(titles, it.Title)
				}
				if p.NextCursor == "" {
					return titles
				}
				req, _ = page.FromQuery(url.Values{"limit": {strconv.Itoa(limit)}, "cursor": {p.NextCursor}})
			}
		}
		if got := search("mascara", 1); len(got) != 2 || got[0] != "Essence Mascara Lash Princess" {
			t.Errorf("search mascara = %q; want the title match first, then the description match, and no draft", got)
		}
		if got := search("masc", 10); len(got) != 2 {
			t.Errorf("prefix search masc = %q, want 2 results", got)
		}
		if got := search("lash princess", 10); len(got) != 1 {
			t.Errorf("two-word search = %q, want 1 result", got)
		}
		if got := search(`"mascara" OR title:* ' ; DROP TABLE products --`, 10); len(got) != 0 {
			t.Errorf("query syntax must not pass through: got %q", got)
		}
		if engine == "sqlite" {
			if got := search("creme brulee", 10); len(got) != 1 {
				t.Errorf("diacritics-insensitive search = %q, want the crème brûlée candle", got)
			}
		}
		if p, err := cat.Search(ctx, "DE", "mascara", page.Request{Limit: 10}); err != nil || len(p.Items) != 0 {
			t.Errorf("GB products found in DE: %v %v", p.Items, err)
		}
		if _, err := cat.Search(ctx, "GB", " ,;- ", page.Request{Limit: 10}); err == nil {
			t.Error("an empty query was accepted")
		}
	})
}

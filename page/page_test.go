package page

import (
	"net/url"
	"testing"
)

func TestWalkingPagesVisitsEveryItemOnce(t *testing.T) {
	all := []string{"a", "b", "c", "d", "e", "f", "g"}
	fetch := func(r Request) []string { // what a store does: items after r.After, Limit+1 of them
		var out []string
		for _, s := range all {
			if s > r.After && len(out) < r.Limit+1 {
				out = append(out, s)
			}
		}
		return out
	}
	var seen []string
	q := url.Values{"limit": {"3"}}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		r, err := FromQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		p := Make(fetch(r), r, func(s string) string { return s })
		seen = append(seen, p.Items...)
		if p.NextCursor == "" {
			break
		}
		q.Set("cursor", p.NextCursor)
	}
	if len(seen) != len(all) {
		t.Fatalf("saw %v, want %v", seen, all)
	}
	for i := range all {
		if seen[i] != all[i] {
			t.Fatalf("saw %v, want %v", seen, all)
		}
	}
}

func TestFromQueryRejectsBadInput(t *testing.T) {
	for _, q := range []url.Values{{"limit": {"0"}}, {"limit": {"101"}}, {"limit": {"x"}}, {"cursor": {"%%%"}}} {
		if _, err := FromQuery(q); err == nil {
			t.Errorf("FromQuery(%v) accepted bad input", q)
		}
	}
}

func TestEmptyPageHasNoCursor(t *testing.T) {
	p := Make[string](nil, Request{Limit: 5}, func(s string) string { return s })
	if p.Items == nil || len(p.Items) != 0 || p.NextCursor != "" {
		t.Errorf("empty page = %+v; want empty non-nil items and no cursor", p)
	}
}

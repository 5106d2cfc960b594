package loopshop

import (
	"sort"
	"sync"
	"testing"
)

func TestIDsSortInTheOrderTheyWereMade(t *testing.T) {
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = NewID("prd", "GB")
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("IDs made one after another do not sort in that order")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate ID %s", id)
		}
		seen[id] = true
		if m, ok := MarketOf(id); !ok || m != "GB" {
			t.Fatalf("MarketOf(%s) = %q, %v", id, m, ok)
		}
	}
}

func TestIDsAreUniqueAcrossGoroutines(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				id := NewID("ord", "de")
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate ID %s", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestMarketOfRejectsWhatNewIDDoesNotMake(t *testing.T) {
	for _, id := range []string{"", "prd", "prd_gb", "prd_gbr_0000000000000000000000000", "prd_g1_00000000000000000000000000", "prd_gb_short", "prd_gb_ZZZZZZZZZZZZZZZZZZZZZZZZZZ"} {
		if m, ok := MarketOf(id); ok {
			t.Errorf("MarketOf(%q) = %q, true; want false", id, m)
		}
	}
}

func TestDerivedID(t *testing.T) {
	a := DerivedID("rfd", "GB", "ord_gb_x", "key-1")
	if b := DerivedID("rfd", "GB", "ord_gb_x", "key-1"); a != b {
		t.Errorf("the same parts gave %q and %q", a, b)
	}
	for _, other := range []string{DerivedID("rfd", "GB", "ord_gb_x", "key-2"), DerivedID("rfd", "GB", "ord_gb_xk", "ey-1")} {
		if other == a {
			t.Errorf("other parts gave the same ID %q", a)
		}
	}
	if m, ok := MarketOf(a); !ok || m != "GB" {
		t.Errorf("MarketOf(%q) = %q, %v; want GB", a, m, ok)
	}
}

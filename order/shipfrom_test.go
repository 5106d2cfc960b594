package order

import (
	"slices"
	"testing"
)

// Checkout reserves a line in a warehouse that has it all, the fullest
// first and by ID among equals; with none it offers none, and the store
// refuses the line.
func TestShipFrom(t *testing.T) {
	for _, c := range []struct {
		name  string
		stock []WarehouseStock
		qty   int64
		want  []string
	}{
		{"one warehouse", []WarehouseStock{{"wh_a", 5}}, 2, []string{"wh_a"}},
		{"fullest first", []WarehouseStock{{"wh_a", 3}, {"wh_b", 9}, {"wh_c", 4}}, 3, []string{"wh_b", "wh_c", "wh_a"}},
		{"too few left out", []WarehouseStock{{"wh_a", 1}, {"wh_b", 6}}, 2, []string{"wh_b"}},
		{"ties by ID", []WarehouseStock{{"wh_c", 4}, {"wh_a", 4}}, 1, []string{"wh_a", "wh_c"}},
		{"none has it all", []WarehouseStock{{"wh_a", 1}, {"wh_b", 1}}, 2, []string{}},
		{"no stock at all", nil, 1, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := shipFrom(c.stock, c.qty); !slices.Equal(got, c.want) {
				t.Errorf("shipFrom(%v, %d) = %v; want %v", c.stock, c.qty, got, c.want)
			}
		})
	}
}

package money

import "testing"

func TestDecimalAndParseRoundTrip(t *testing.T) {
	tests := []struct {
		m    Money
		text string
	}{
		{New(1299, "GBP"), "12.99"},
		{New(5, "EUR"), "0.05"},
		{New(0, "USD"), "0.00"},
		{New(150000, "JPY"), "150000"},
		{New(-250, "GBP"), "-2.50"},
	}
	for _, tt := range tests {
		if got := tt.m.Decimal(); got != tt.text {
			t.Errorf("%v.Decimal() = %q, want %q", tt.m, got, tt.text)
		}
		if tt.m.Amount < 0 {
			continue
		}
		back, err := Parse(tt.text, tt.m.Currency)
		if err != nil || back != tt.m {
			t.Errorf("Parse(%q, %s) = %v, %v; want %v", tt.text, tt.m.Currency, back, err, tt.m)
		}
	}
}

func TestParseRefusesWhatWouldRound(t *testing.T) {
	for _, s := range []string{"12.999", "-1", "abc", "", "1.2.3", "100.5"} {
		cur := "GBP"
		if s == "100.5" {
			cur = "JPY"
		}
		if m, err := Parse(s, cur); err == nil {
			t.Errorf("Parse(%q, %s) = %v, want an error", s, cur, m)
		}
	}
}

func TestAddRefusesMixedCurrencies(t *testing.T) {
	if _, err := New(1, "GBP").Add(New(1, "EUR")); err == nil {
		t.Error("adding EUR to GBP succeeded")
	}
	if got, _ := New(1, "GBP").Add(New(2, "GBP")); got != New(3, "GBP") {
		t.Errorf("1 + 2 = %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.99", "0", "0.5", "99999999999999999999", "1e5", " 3 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s, "GBP")
		if err != nil {
			return
		}
		if m.Amount < 0 {
			t.Fatalf("Parse(%q) gave a negative amount %d", s, m.Amount)
		}
		back, err := Parse(m.Decimal(), "GBP")
		if err != nil || back != m {
			t.Fatalf("Parse(%q) = %v does not round-trip through %q: %v %v", s, m, m.Decimal(), back, err)
		}
	})
}

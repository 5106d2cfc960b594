package market

import (
	"testing"
	"time"
)

func TestClosedLoopStartsOnTheCutOverDate(t *testing.T) {
	m := Market{ClosedLoopFrom: time.Date(2023, 9, 12, 0, 0, 0, 0, time.UTC)}
	if m.ClosedLoop(time.Date(2023, 9, 11, 23, 59, 59, 0, time.UTC)) {
		t.Error("closed loop enforced the day before the cut-over")
	}
	if !m.ClosedLoop(time.Date(2023, 9, 12, 0, 0, 0, 0, time.UTC)) {
		t.Error("closed loop not enforced on the cut-over")
	}
	if (Market{}).ClosedLoop(time.Now()) {
		t.Error("a market without a cut-over date enforces the closed loop")
	}
}

func TestGetIsCaseInsensitiveAndNamesServedMarkets(t *testing.T) {
	s, err := NewSet(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.Get("gb"); err != nil || m.Currency != "GBP" {
		t.Errorf("Get(gb) = %+v, %v", m, err)
	}
	_, err = s.Get("JP")
	if err == nil || err.Error() != `not_found: market "JP" is not served here; served markets: DE, ES, FR, GB, ID, IE, IT, US` {
		t.Errorf("Get(JP) error = %v", err)
	}
}

package live_test

import (
	"testing"
	"time"

	"github.com/loopshop/loopshop/live"
)

// A server shows its viewers the room's total over every server: its own
// connections and the latest count each other server reported. All its
// viewers get one event, counted and encoded once.
func TestViewersTotal(t *testing.T) {
	const room = "liv_gb_room"
	v := live.NewViewers(live.NewLocalHub(), nil)
	leave := v.Join(room)
	defer v.Join(room)()
	if n := v.Count(room); n != 2 {
		t.Fatalf("%d viewers here; want 2", n)
	}
	at := time.Now()
	other := live.Event{Type: live.EventViewers, RoomID: room, Server: "other", Viewers: 5, At: at}
	first := v.Total(other)
	if first.Type != live.EventViewers || first.Viewers != 7 || first.Server != "" {
		t.Errorf("total %+v; want 7 viewers (2 here, 5 on the other server), naming no server", first)
	}
	again := v.Total(other)
	b1, err1 := first.JSON()
	b2, err2 := again.JSON()
	if err1 != nil || err2 != nil || string(b1) != string(b2) || &b1[0] != &b2[0] {
		t.Errorf("the second viewer's event %s (%v) is encoded anew; want the first's bytes, %s", b2, err2, b1)
	}

	// A viewer leaves and the other server reports again: a new total.
	leave()
	if got := v.Total(live.Event{Type: live.EventViewers, RoomID: room, Server: "other", Viewers: 4, At: at.Add(time.Second)}); got.Viewers != 5 {
		t.Errorf("total %d; want 5 (1 here, 4 there)", got.Viewers)
	}
	if n := v.Count(room); n != 5 {
		t.Errorf("count %d; want 5", n)
	}
}

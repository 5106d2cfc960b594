package live

import (
	"context"
	"sync"
	"time"

	"github.com/loopshop/loopshop"
)

// Viewers counts the viewers of each room over every server. Each server
// counts its own connections and, once a second when they changed, tells
// the others through the hub (an EventViewers with its Server name); every
// server adds up the latest count of each. A server that stops reporting
// for staleAfter is dropped from the sum, so a crashed server's viewers do
// not linger.
type Viewers struct {
	server string
	hub    Hub
	store  PeakStore
	mu     sync.Mutex
	local  map[string]int                  // room → this server's viewers
	dirty  map[string]bool                 // rooms whose local count changed
	others map[string]map[string]seenCount // room → server → count
	stops  map[string]func()               // room → its subscription's end
	totals map[string]total                // room → the last total sent to its viewers
}

// total is the viewers event this server's viewers of a room were last
// sent, and the server count it answered.
type total struct {
	server string
	at     time.Time
	e      Event
}

type seenCount struct {
	n  int
	at time.Time
}

const staleAfter = 10 * time.Second

// PeakStore keeps a room's peak viewers.
type PeakStore interface {
	RaisePeak(ctx context.Context, roomID string, viewers int, while string) error
}

// NewViewers returns the counter of this server.
func NewViewers(hub Hub, store PeakStore) *Viewers {
	return &Viewers{server: loopshop.RandomToken(8), hub: hub, store: store, local: map[string]int{}, dirty: map[string]bool{},
		others: map[string]map[string]seenCount{}, stops: map[string]func(){}, totals: map[string]total{}}
}

// Join counts a viewer of room on this server; the function it returns
// counts the viewer out. While a room has viewers here, the counter
// listens to the other servers' counts of it.
func (v *Viewers) Join(roomID string) func() {
	if v.add(roomID, 1) == 1 {
		events, stop := v.hub.Subscribe(roomID)
		v.mu.Lock()
		v.stops[roomID] = stop
		v.mu.Unlock()
		go func() {
			for e := range events {
				v.Seen(e)
			}
		}()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if v.add(roomID, -1) == 0 {
				v.mu.Lock()
				stop := v.stops[roomID]
				delete(v.stops, roomID)
				v.mu.Unlock()
				if stop != nil {
					stop()
				}
			}
		})
	}
}

func (v *Viewers) add(roomID string, d int) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.local[roomID] += d
	v.dirty[roomID] = true
	return v.local[roomID]
}

// Count returns the viewers of a room over every server.
func (v *Viewers) Count(roomID string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.count(roomID, time.Now())
}

func (v *Viewers) count(roomID string, now time.Time) int {
	n := v.local[roomID]
	for srv, c := range v.others[roomID] {
		if srv != v.server && now.Sub(c.at) < staleAfter {
			n += c.n
		}
	}
	return n
}

// Total turns a server's count of a room (an EventViewers from the hub)
// into what the room's viewers are shown: its viewers over every server.
// Every viewer connected here gets the same event, counted and encoded
// once: a room of thousands must not recount and re-encode per viewer.
func (v *Viewers) Total(e Event) Event {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.totals[e.RoomID]; ok && t.server == e.Server && t.at.Equal(e.At) {
		return t.e
	}
	v.seen(e) // whichever of the room's subscribers gets e first
	out := Event{Type: EventViewers, RoomID: e.RoomID, At: e.At, Viewers: v.count(e.RoomID, time.Now()), enc: &encoded{}}
	v.totals[e.RoomID] = total{server: e.Server, at: e.At, e: out}
	return out
}

// Seen records another server's count from an EventViewers.
func (v *Viewers) Seen(e Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seen(e)
}

func (v *Viewers) seen(e Event) {
	if e.Type != EventViewers || e.Server == "" {
		return
	}
	if v.others[e.RoomID] == nil {
		v.others[e.RoomID] = map[string]seenCount{}
	}
	v.others[e.RoomID][e.Server] = seenCount{n: e.Viewers, at: time.Now()}
}

// Run reports this server's changed counts every interval until ctx ends,
// also refreshing unchanged non-zero counts so that other servers do not
// take them for stale, and raises each room's stored peak.
func (v *Viewers) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	refresh := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		refresh++
		v.mu.Lock()
		var report []Event
		now := time.Now()
		for room, n := range v.local {
			if v.dirty[room] || (n > 0 && refresh%3 == 0) {
				report = append(report, Event{Type: EventViewers, RoomID: room, At: now, Server: v.server, Viewers: n})
			}
			if n == 0 && !v.dirty[room] {
				delete(v.local, room)
				delete(v.totals, room)
			}
		}
		clear(v.dirty)
		totals := map[string]int{}
		for _, e := range report {
			totals[e.RoomID] = v.count(e.RoomID, now)
		}
		v.mu.Unlock()
		for _, e := range report {
			_ = v.hub.Publish(ctx, e)
			if v.store != nil && totals[e.RoomID] > 0 {
				// The peak is the broadcast's: a replay's viewers do not
				// raise it.
				_ = v.store.RaisePeak(ctx, e.RoomID, totals[e.RoomID], Live)
			}
		}
	}
}

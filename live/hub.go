package live

import (
	"context"
	"sync"
)

// subscriberBuffer is how many events a viewer may fall behind before it
// loses the oldest: a slow phone must not hold up a room of thousands.
const subscriberBuffer = 64

// LocalHub delivers events to the subscribers in this process. Alone it is
// the hub of a single server; NotifyHub puts one on every server and
// carries events between them.
type LocalHub struct {
	mu   sync.RWMutex
	subs map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch chan Event
}

// NewLocalHub returns an empty hub.
func NewLocalHub() *LocalHub { return &LocalHub{subs: map[string]map[*subscriber]struct{}{}} }

// Publish delivers e at once.
func (h *LocalHub) Publish(_ context.Context, e Event) error {
	h.Deliver(e)
	return nil
}

// Deliver hands e to every subscriber of its room without waiting: one
// whose buffer is full loses its oldest event to make room.
func (h *LocalHub) Deliver(e Event) {
	e.enc = &encoded{}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs[e.RoomID] {
		for {
			select {
			case s.ch <- e:
			default:
				select {
				case <-s.ch: // drop the oldest
				default:
				}
				continue
			}
			break
		}
	}
}

// Subscribe returns the room's events from now on; the function it
// returns ends the subscription and closes the channel.
func (h *LocalHub) Subscribe(roomID string) (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, subscriberBuffer)}
	h.mu.Lock()
	if h.subs[roomID] == nil {
		h.subs[roomID] = map[*subscriber]struct{}{}
	}
	h.subs[roomID][s] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[roomID], s)
			if len(h.subs[roomID]) == 0 {
				delete(h.subs, roomID)
			}
			// No Deliver runs while the lock is held: closing is safe,
			// and ends the subscriber's range over the channel.
			close(s.ch)
			h.mu.Unlock()
		})
	}
}

// Subscribers counts the subscribers of a room in this process.
func (h *LocalHub) Subscribers(roomID string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[roomID])
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/university"
)

// benchLive is what "loopshop bench live" measured of the room itself; the
// flash sale's checkouts are in the rest of benchResult.
type benchLive struct {
	Viewers        int          `json:"viewers"`
	ConnectSeconds float64      `json:"connect_seconds"`
	Pins           int          `json:"pins"`
	Delivered      int          `json:"delivered"`
	PinLatencyMS   benchLatency `json:"pin_latency_ms"`
	FlashSold      int64        `json:"flash_sold"`
	flashID        string
}

// pinWait is how long a pin may take to reach every viewer before the
// run counts the missing deliveries and moves on.
const pinWait = 10 * time.Second

// live opens a live room for the bench shop's product, connects the
// viewers over WebSocket, times pins from the host's request to each
// viewer's receipt, and starts the flash sale the buyers then race for.
func (b *bench) live(ctx context.Context) (*benchLive, string, error) {
	cfg := b.cfg
	room, err := b.m.Live.CreateRoom(ctx, b.seller, live.NewRoom{ShopID: b.shop.ID, Title: "Bench live", StreamURL: "https://media.example.com/bench.m3u8",
		Products: []string{b.product.ID}})
	if err != nil {
		return nil, "", err
	}
	// The host passes the course going live needs, as every host must.
	if err := b.m.University.Certify(ctx, b.seller, university.CapabilityLive); err != nil {
		return nil, "", err
	}
	if _, err := b.m.Live.Start(ctx, b.seller, room.ID); err != nil {
		return nil, "", err
	}
	res := &benchLive{Viewers: cfg.viewers, Pins: cfg.pins}
	url := "ws://" + b.m.Server.Addr() + "/api/v1/live-rooms/" + room.ID + "/events"

	// Every viewer reads its events; a pin's arrival is stamped against
	// the round in progress: the host pins, waits for every viewer, and
	// unpins before the next round, so each pin event belongs to one.
	var round atomic.Int64 // the pin round in progress
	arrivals := make([][]time.Time, cfg.pins)
	var mu sync.Mutex
	var got, unpinned atomic.Int64
	start := time.Now()
	b.viewers = make([]*websocket.Conn, cfg.viewers)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	var dialErr atomic.Value
	ready := make(chan struct{}, cfg.viewers)
	for i := range cfg.viewers {
		wg.Go(func() {
			sem <- struct{}{}
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			c, _, err := websocket.Dial(dctx, url, nil)
			cancel()
			<-sem
			if err != nil {
				dialErr.CompareAndSwap(nil, err)
				return
			}
			c.SetReadLimit(1 << 20)
			b.viewers[i] = c
			go func() {
				first := true
				for {
					_, data, err := c.Read(ctx)
					if err != nil {
						return
					}
					if first {
						first = false
						ready <- struct{}{}
						continue
					}
					var e struct{ Type string }
					if json.Unmarshal(data, &e) != nil {
						continue
					}
					if e.Type == live.EventUnpin {
						unpinned.Add(1)
						continue
					}
					if e.Type != live.EventPin {
						continue
					}
					now := time.Now()
					r := round.Load()
					mu.Lock()
					arrivals[r] = append(arrivals[r], now)
					mu.Unlock()
					got.Add(1)
				}
			}()
		})
	}
	wg.Wait()
	if err, _ := dialErr.Load().(error); err != nil {
		return nil, "", fmt.Errorf("connect viewers: %w", err)
	}
	for range cfg.viewers {
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			return nil, "", fmt.Errorf("viewers did not all receive the room's state within 30 s")
		}
	}
	res.ConnectSeconds = time.Since(start).Seconds()
	fmt.Fprintf(b.out, "%d viewers connected in %.2fs\n", cfg.viewers, res.ConnectSeconds)

	var latencies []time.Duration
	for i := range cfg.pins {
		round.Store(int64(i))
		want := int64(cfg.viewers) * int64(i+1)
		t0 := time.Now()
		if _, err := b.m.Live.Pin(ctx, b.seller, room.ID, b.product.ID); err != nil {
			return nil, "", err
		}
		waitFor(&got, want)
		mu.Lock()
		var first, last time.Duration
		for j, at := range arrivals[i] {
			d := at.Sub(t0)
			if j == 0 || d < first {
				first = d
			}
			last = max(last, d)
			latencies = append(latencies, d)
		}
		mu.Unlock()
		fmt.Fprintf(b.out, "pin %d reached %d of %d viewers, the first after %s, the last after %s\n", i+1, len(arrivals[i]), cfg.viewers,
			first.Round(100*time.Microsecond), last.Round(100*time.Microsecond))
		// Unpin for the next round, and let the unpin reach every viewer
		// first: a host pins a product every few seconds at most, so a pin
		// is timed in a settled room, not behind the last round's traffic.
		if _, err := b.m.Live.Pin(ctx, b.seller, room.ID, ""); err != nil {
			return nil, "", err
		}
		waitFor(&unpinned, want)
		time.Sleep(100 * time.Millisecond)
	}
	res.Delivered = len(latencies)
	res.PinLatencyMS = latencyOf(latencies)

	f, err := b.m.Live.StartFlash(ctx, b.seller, room.ID, live.NewFlash{SKUID: b.product.SKUs[0].ID, Price: b.product.SKUs[0].Price.Amount / 2,
		Quantity: int64(cfg.units), PerBuyer: 1, Seconds: int(live.MaxFlash.Seconds())})
	if err != nil {
		return nil, "", err
	}
	res.flashID = f.ID
	return res, f.ID, nil
}

// waitFor waits until n reaches want, or pinWait has passed.
func waitFor(n *atomic.Int64, want int64) {
	deadline := time.Now().Add(pinWait)
	for n.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// closeViewers disconnects the viewers.
func (b *bench) closeViewers() {
	for _, c := range b.viewers {
		if c != nil {
			c.CloseNow()
		}
	}
}

// verifyLive adds the live checks: every pin reached every viewer, the
// p99 is under the target, and the flash sale sold exactly its allocation.
func (b *bench) verifyLive(ctx context.Context, res *benchResult) error {
	l := res.Live
	if l == nil {
		return nil
	}
	f, err := b.m.Live.Flash(ctx, l.flashID)
	if err != nil {
		return err
	}
	l.FlashSold = f.Sold
	add := func(ok bool, format string, args ...any) {
		res.Checks = append(res.Checks, benchCheck{OK: ok, What: fmt.Sprintf(format, args...)})
	}
	want := l.Pins * l.Viewers
	add(l.Delivered == want, "%d of %d pins delivered (%d pins × %d viewers); want all", l.Delivered, want, l.Pins, l.Viewers)
	if t := b.cfg.pinTarget; t > 0 {
		add(l.PinLatencyMS.P99 < t, "pin p99 %.1f ms; want under %.0f ms", l.PinLatencyMS.P99, t)
	}
	add(f.Sold == int64(b.cfg.units), "the flash sale sold %d; want exactly the %d allocated", f.Sold, b.cfg.units)
	res.OK = res.failed() == 0
	return nil
}

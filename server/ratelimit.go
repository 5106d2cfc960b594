package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per client. Buckets idle for longer than
// it takes them to refill are swept, so memory stays bounded by the number
// of clients active in the last few minutes.
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	clients map[string]*client
	swept   time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, clients: map[string]*client{}, swept: time.Now()}
}

// allow takes a token from the bucket of every key, or from none: when
// one is empty it says how long to wait for its next token.
func (l *limiter) allow(keys []string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		idle := 3 * time.Minute
		for k, c := range l.clients {
			if now.Sub(c.seen) > idle {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	res := make([]*rate.Reservation, 0, len(keys))
	var wait time.Duration
	for _, key := range keys {
		c, ok := l.clients[key]
		if !ok {
			c = &client{lim: rate.NewLimiter(l.rate, l.burst)}
			l.clients[key] = c
		}
		c.seen = now
		r := c.lim.ReserveN(now, 1)
		res = append(res, r)
		wait = max(wait, r.DelayFrom(now))
	}
	if wait > 0 {
		for _, r := range res {
			r.CancelAt(now)
		}
		return false, wait
	}
	return true, 0
}

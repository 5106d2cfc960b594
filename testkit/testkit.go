// Package testkit is what tests share to get a platform: a whole
// platform.Platform over fresh, migrated databases of one engine, and a
// clock they can move. Every test that needs more than one service gets
// them here, wired as the server wires them, so a test cannot pass on a
// platform missing a part that production has.
package testkit

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// Secret is the login-hash key of test platforms.
const Secret = "test-secret"

// Platform returns a platform over r with test cards, media in a
// temporary folder and no log output; change sets other options first.
// It is closed when tb ends.
func Platform(tb testing.TB, r *sqlstore.Router, change ...func(*platform.Options)) *platform.Platform {
	tb.Helper()
	files, err := media.OpenLocal(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { files.Close() })
	o := platform.Options{Payments: &payment.TestCard{}, Media: files, Secret: Secret, Logger: slog.New(slog.DiscardHandler)}
	for _, c := range change {
		c(&o)
	}
	p, err := platform.New(r, o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// New returns a platform over new, migrated databases of engine.
func New(tb testing.TB, engine string, change ...func(*platform.Options)) *platform.Platform {
	tb.Helper()
	return Platform(tb, sqltest.Router(tb, engine), change...)
}

// WithClock makes c the platform's clock.
func WithClock(c *Clock) func(*platform.Options) {
	return func(o *platform.Options) { o.Clock = c.Now }
}

// WithPayments makes p take the platform's card payments.
func WithPayments(p payment.Provider) func(*platform.Options) {
	return func(o *platform.Options) { o.Payments = p }
}

// Clock is a clock a test moves: it reads the time now, shifted by what
// Advance added, or a time Set fixed. It is safe for the background jobs
// that read it while the test moves it.
type Clock struct {
	mu     sync.Mutex
	fixed  time.Time
	offset time.Duration
}

// Now is the clock's time, in UTC to the microsecond as stored.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.fixed
	if t.IsZero() {
		t = time.Now()
	}
	return t.Add(c.offset).UTC().Truncate(time.Microsecond)
}

// Set stops the clock at t; the zero time lets it run again.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fixed, c.offset = t, 0
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Certify passes actor through the Seller University courses that gate
// capability (university.CapabilityLive: going live), the way a person
// does, with the answer key.
func Certify(tb testing.TB, p *platform.Platform, actor *identity.Actor, capability string) {
	tb.Helper()
	if err := p.University.Certify(context.Background(), actor, capability); err != nil {
		tb.Fatalf("certify %s for %s: %v", actor.AccountID, capability, err)
	}
}

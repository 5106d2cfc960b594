// Package jobs runs durable background work: a job is a row in its
// market's region database, written in the same transaction as the change
// that needs it (the transactional outbox), so work is never lost when a
// server dies and never done for a change that was rolled back.
//
// Workers lease due jobs (FOR UPDATE SKIP LOCKED on PostgreSQL, so any
// number of servers share a queue; SQLite's single writer serialises), run
// the handler for the job's kind, and mark it done, or due again later
// with exponential back-off, or dead after its last attempt. A lease that
// runs out because a worker died makes the job due again, so handlers must
// be idempotent: at-least-once is what any durable queue can promise.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/loopshop/loopshop"
)

// A job's states: queued until it is done or, after its last attempt,
// dead. New jobs are queued.
const (
	StateQueued = "queued"
	StateDone   = "done"
	StateDead   = "dead"
)

// Job is one unit of background work.
type Job struct {
	ID          string
	Kind        string
	Market      string
	Payload     json.RawMessage
	DedupeKey   string
	RunAt       time.Time
	Attempts    int // including the current one, once leased
	MaxAttempts int
	CreatedAt   time.Time
}

// New builds a job of kind for market with payload encoded as JSON, due at
// runAt (now if zero). A non-empty dedupeKey makes a second job with the
// same key a no-op.
func New(kind, market string, payload any, runAt time.Time, dedupeKey string) (*Job, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("job %s: encode payload: %w", kind, err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if runAt.IsZero() {
		runAt = now
	}
	return &Job{ID: loopshop.NewID("job", market), Kind: kind, Market: market, Payload: b, DedupeKey: dedupeKey,
		RunAt: runAt.UTC().Truncate(time.Microsecond), MaxAttempts: 10, CreatedAt: now}, nil
}

// Decode reads the job's payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Store keeps the queue. Claim returns nil, nil when no job is due.
type Store interface {
	Enqueue(ctx context.Context, j *Job) error
	Claim(ctx context.Context, region string, now time.Time, lease time.Duration) (*Job, error)
	Complete(ctx context.Context, j *Job, now time.Time) error
	Retry(ctx context.Context, j *Job, runAt time.Time, lastErr string) error
	Bury(ctx context.Context, j *Job, now time.Time, lastErr string) error
}

// Handler does the work of one job. An error makes the job retry later,
// unless it is wrapped with Permanent.
type Handler func(ctx context.Context, j *Job) error

type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent marks an error that no retry can fix (a malformed payload):
// the job is buried at once.
func Permanent(err error) error { return permanent{err} }

// Runner leases and runs jobs from every region.
type Runner struct {
	store    Store
	regions  []string
	log      *slog.Logger
	handlers map[string]Handler
	// Lease is how long a worker owns a job; Poll how often an idle worker looks.
	Lease time.Duration
	Poll  time.Duration
	// Workers is how many jobs run at once.
	Workers int
	// Now is the runner's clock, which tests move on to make jobs due;
	// nil is the time now.
	Now  func() time.Time
	kick chan struct{}
}

// NewRunner returns a runner over the given regions' queues.
func NewRunner(store Store, regions []string, log *slog.Logger) *Runner {
	return &Runner{store: store, regions: regions, log: log, handlers: map[string]Handler{},
		Lease: time.Minute, Poll: 500 * time.Millisecond, Workers: 2,
		kick: make(chan struct{}, 1)}
}

// Handle registers the handler for a kind of job. Register every kind
// before Run.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// Kick wakes an idle worker, for a job just enqueued in this process.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for w := 0; w < r.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, err := r.RunDue(ctx)
				if err != nil && ctx.Err() == nil {
					r.log.Error("jobs: claim failed", "error", err)
				}
				if n > 0 {
					continue
				}
				// Jitter spreads the polls of many servers.
				wait := r.Poll/2 + rand.N(r.Poll)
				select {
				case <-ctx.Done():
				case <-r.kick:
				case <-time.After(wait):
				}
			}
		}()
	}
	wg.Wait()
}

// RunDue runs due jobs of every region until none is left, and returns how
// many it ran.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ran := false
		for _, region := range r.regions {
			j, err := r.store.Claim(ctx, region, r.now(), r.Lease)
			if err != nil {
				return n, fmt.Errorf("region %s: %w", region, err)
			}
			if j == nil {
				continue
			}
			ran = true
			n++
			r.run(ctx, j)
		}
		if !ran || ctx.Err() != nil {
			return n, nil
		}
	}
}

func (r *Runner) run(ctx context.Context, j *Job) {
	log := r.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	h, ok := r.handlers[j.Kind]
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	} else {
		err = safely(ctx, h, j)
	}
	now := r.now()
	switch {
	case err == nil:
		if cerr := r.store.Complete(ctx, j, now); cerr != nil {
			log.Error("jobs: mark done", "error", cerr)
		}
		return
	case errors.As(err, new(permanent)) || j.Attempts >= j.MaxAttempts:
		log.Error("jobs: giving up", "error", err)
		if berr := r.store.Bury(ctx, j, now, err.Error()); berr != nil {
			log.Error("jobs: bury", "error", berr)
		}
	default:
		next := now.Add(Backoff(j.Attempts))
		log.Warn("jobs: will retry", "error", err, "at", next)
		if rerr := r.store.Retry(ctx, j, next, err.Error()); rerr != nil {
			log.Error("jobs: reschedule", "error", rerr)
		}
	}
}

func safely(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// Backoff is the wait before attempt n+1: 2^n seconds, at most an hour.
func Backoff(attempts int) time.Duration {
	if attempts > 12 {
		return time.Hour
	}
	return min(time.Duration(1<<attempts)*time.Second, time.Hour)
}

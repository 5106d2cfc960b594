package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func enqueue(t *testing.T, s *sqlstore.JobStore, kind, market, dedupe string) *jobs.Job {
	t.Helper()
	j, err := jobs.New(kind, market, map[string]string{"hello": "world"}, time.Time{}, dedupe)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJobsRunOnceInEveryRegion(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		r := sqltest.Router(t, engine)
		s := sqlstore.NewJobStore(r)
		run := jobs.NewRunner(s, r.RegionNames(), quiet)
		seen := map[string]int{}
		run.Handle("greet", func(ctx context.Context, j *jobs.Job) error {
			var p map[string]string
			if err := j.Decode(&p); err != nil || p["hello"] != "world" {
				t.Errorf("payload = %v, %v", p, err)
			}
			seen[j.Market]++
			return nil
		})
		for _, m := range []string{"GB", "US", "ID", "GB"} {
			enqueue(t, s, "greet", m, "")
		}
		enqueue(t, s, "greet", "DE", "once")
		enqueue(t, s, "greet", "DE", "once") // deduplicated
		n, err := run.RunDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 || seen["GB"] != 2 || seen["US"] != 1 || seen["ID"] != 1 || seen["DE"] != 1 {
			t.Errorf("ran %d jobs: %v; want 5: GB 2, US 1, ID 1, DE 1", n, seen)
		}
		if n, _ := run.RunDue(context.Background()); n != 0 {
			t.Errorf("second pass ran %d jobs, want 0", n)
		}
	})
}

func TestFailedJobsRetryWithBackoffThenDie(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		s := sqlstore.NewJobStore(r)
		run := jobs.NewRunner(s, r.RegionNames(), quiet)
		now := time.Now().UTC().Truncate(time.Microsecond)
		run.Now = func() time.Time { return now }
		attempts := 0
		run.Handle("flaky", func(ctx context.Context, j *jobs.Job) error {
			attempts++
			return errors.New("payment provider timed out")
		})
		j, _ := jobs.New("flaky", "GB", nil, now, "")
		j.MaxAttempts = 3
		if err := s.Enqueue(ctx, j); err != nil {
			t.Fatal(err)
		}
		if n, _ := run.RunDue(ctx); n != 1 {
			t.Fatalf("first pass ran %d", n)
		}
		if n, _ := run.RunDue(ctx); n != 0 {
			t.Fatalf("a failed job ran again before its back-off (%d)", n)
		}
		now = now.Add(jobs.Backoff(1) + time.Millisecond)
		if n, _ := run.RunDue(ctx); n != 1 {
			t.Fatalf("the job did not run after its back-off")
		}
		now = now.Add(time.Hour)
		run.RunDue(ctx)
		now = now.Add(time.Hour)
		if n, _ := run.RunDue(ctx); n != 0 || attempts != 3 {
			t.Errorf("after max attempts: ran %d more, %d attempts in all; want 0 and 3", n, attempts)
		}
		db, _ := r.ForMarket("GB")
		var state, lastErr string
		if err := db.Read().Get(ctx, `SELECT state, last_error FROM jobs WHERE id = ?`, []any{j.ID}, &state, &lastErr); err != nil {
			t.Fatal(err)
		}
		if state != "dead" || lastErr != "payment provider timed out" {
			t.Errorf("state %q, last error %q", state, lastErr)
		}
	})
}

func TestExpiredLeaseMakesAJobDueAgain(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		s := sqlstore.NewJobStore(r)
		j := enqueue(t, s, "x", "GB", "")
		now := time.Now().UTC()
		got, err := s.Claim(ctx, "eu", now, time.Minute)
		if err != nil || got == nil || got.ID != j.ID {
			t.Fatalf("claim = %v, %v", got, err)
		}
		if again, _ := s.Claim(ctx, "eu", now.Add(30*time.Second), time.Minute); again != nil {
			t.Fatal("a leased job was claimed twice")
		}
		again, err := s.Claim(ctx, "eu", now.Add(2*time.Minute), time.Minute)
		if err != nil || again == nil || again.Attempts != 2 {
			t.Fatalf("after the lease ran out: %+v, %v; want the job with attempt 2", again, err)
		}
	})
}

func TestConcurrentWorkersRunEachJobOnce(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx, cancel := context.WithCancel(context.Background())
		r := sqltest.Router(t, engine)
		s := sqlstore.NewJobStore(r)
		const total = 60
		var mu sync.Mutex
		ran := map[string]int{}
		var done atomic.Int32
		handler := func(ctx context.Context, j *jobs.Job) error {
			mu.Lock()
			ran[j.ID]++
			mu.Unlock()
			if done.Add(1) == total {
				cancel()
			}
			return nil
		}
		for i := 0; i < total; i++ {
			enqueue(t, s, "count", []string{"GB", "US", "ID"}[i%3], "")
		}
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ { // three "servers", two workers each
			run := jobs.NewRunner(s, r.RegionNames(), quiet)
			run.Poll = 10 * time.Millisecond
			run.Handle("count", handler)
			wg.Add(1)
			go func() { defer wg.Done(); run.Run(ctx) }()
		}
		select {
		case <-ctx.Done():
		case <-time.After(60 * time.Second):
			cancel()
			t.Fatal("workers did not finish the queue in time")
		}
		wg.Wait()
		if len(ran) != total {
			t.Errorf("%d distinct jobs ran, want %d", len(ran), total)
		}
		for id, n := range ran {
			if n != 1 {
				t.Errorf("job %s ran %d times", id, n)
			}
		}
	})
}

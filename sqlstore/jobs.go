package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/loopshop/loopshop/jobs"
)

// JobStore implements jobs.Store.
type JobStore struct{ r *Router }

// NewJobStore returns the job store over r.
func NewJobStore(r *Router) *JobStore { return &JobStore{r: r} }

var _ jobs.Store = (*JobStore)(nil)

// enqueueJob writes j inside tx, the business change's own transaction.
// A job whose dedupe key exists already is dropped.
func enqueueJob(ctx context.Context, tx *Tx, j *jobs.Job) error {
	var dedupe any
	if j.DedupeKey != "" {
		dedupe = j.DedupeKey
	}
	_, err := tx.Exec(ctx, `INSERT INTO jobs (id, kind, market, payload, dedupe_key, run_at, max_attempts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		j.ID, j.Kind, j.Market, string(j.Payload), dedupe, j.RunAt, j.MaxAttempts, j.CreatedAt)
	return err
}

// enqueueJobs writes the jobs that are not nil inside tx.
func enqueueJobs(ctx context.Context, tx *Tx, js ...*jobs.Job) error {
	for _, j := range js {
		if j == nil {
			continue
		}
		if err := enqueueJob(ctx, tx, j); err != nil {
			return fmt.Errorf("enqueue %s job: %w", j.Kind, err)
		}
	}
	return nil
}

func (s *JobStore) Enqueue(ctx context.Context, j *jobs.Job) error {
	db, err := s.r.ForMarket(j.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error { return enqueueJob(ctx, tx, j) })
}

func (s *JobStore) Claim(ctx context.Context, region string, now time.Time, lease time.Duration) (*jobs.Job, error) {
	db := s.r.Region(region)
	if db == nil {
		return nil, nil
	}
	// SKIP LOCKED lets many workers claim different jobs at once on
	// PostgreSQL; SQLite has no row locks and needs none.
	lock := ""
	if db.Engine() == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var j jobs.Job
	var payload string
	var dedupe sql.NullString
	err := db.WriteTx(ctx, func(tx *Tx) error {
		return tx.Get(ctx, `UPDATE jobs SET leased_until = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM jobs WHERE state = ? AND run_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
			            ORDER BY run_at LIMIT 1`+lock+`)
			RETURNING id, kind, market, payload, dedupe_key, run_at, attempts, max_attempts, created_at`,
			[]any{now.Add(lease), jobs.StateQueued, now, now},
			&j.ID, &j.Kind, &j.Market, &payload, &dedupe, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.CreatedAt)
	})
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	j.Payload = []byte(payload)
	j.DedupeKey = dedupe.String
	return &j, nil
}

func (s *JobStore) finish(ctx context.Context, j *jobs.Job, query string, args ...any) error {
	db, err := s.r.ForMarket(j.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}

func (s *JobStore) Complete(ctx context.Context, j *jobs.Job, now time.Time) error {
	return s.finish(ctx, j, `UPDATE jobs SET state = ?, finished_at = ?, leased_until = NULL WHERE id = ?`, jobs.StateDone, now, j.ID)
}

func (s *JobStore) Retry(ctx context.Context, j *jobs.Job, runAt time.Time, lastErr string) error {
	return s.finish(ctx, j, `UPDATE jobs SET run_at = ?, leased_until = NULL, last_error = ? WHERE id = ?`, runAt, truncate(lastErr, 2000), j.ID)
}

func (s *JobStore) Bury(ctx context.Context, j *jobs.Job, now time.Time, lastErr string) error {
	return s.finish(ctx, j, `UPDATE jobs SET state = ?, finished_at = ?, leased_until = NULL, last_error = ? WHERE id = ?`, jobs.StateDead, now, truncate(lastErr, 2000), j.ID)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

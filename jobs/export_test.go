package jobs

import "time"

// SetClock replaces the runner's clock, for tests.
func (r *Runner) SetClock(now func() time.Time) { r.now = now }

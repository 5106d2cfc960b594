package university

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

// Attempts limits: a quiz may be taken MaxAttempts times per
// AttemptWindow, so that its answers are learnt, not guessed.
const (
	MaxAttempts   = 5
	AttemptWindow = time.Hour
)

// Store keeps each account's progress in its market's region.
type Store interface {
	// CompleteLesson records a lesson read; again changes nothing.
	CompleteLesson(ctx context.Context, accountID, courseID, lessonID string, at time.Time) error
	// Progress returns an account's progress in each course it started.
	Progress(ctx context.Context, accountID string) (map[string]*Progress, error)
	// AddAttempt records a quiz taken, and its certificate if it passed,
	// unless the account has taken the course's quiz max times since
	// since: then it returns ErrTooManyAttempts and records nothing. An
	// account holds one certificate per course: a later pass keeps the
	// first.
	AddAttempt(ctx context.Context, accountID string, a *Attempt, since time.Time, max int) error
	Certificate(ctx context.Context, id string) (*Certificate, error)
}

// ErrTooManyAttempts is the store's refusal of an attempt over the limit.
var ErrTooManyAttempts = fmt.Errorf("university: too many attempts")

// Service holds the rules of Seller University.
type Service struct {
	store   Store
	catalog *Catalog
	now     func() time.Time
}

// NewService returns Seller University over its courses; now is the
// clock, nil for identity.Now.
func NewService(store Store, catalog *Catalog, now func() time.Time) *Service {
	if now == nil {
		now = identity.Now
	}
	return &Service{store: store, catalog: catalog, now: now}
}

// Catalog returns the courses.
func (s *Service) Catalog() *Catalog { return s.catalog }

// Course returns a course, or not found.
func (s *Service) Course(id string) (*Course, error) {
	c := s.catalog.Course(id)
	if c == nil {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "Seller University has no course %q", id)
	}
	return c, nil
}

// Progress returns the actor's progress in every course, in the courses'
// order; a course not started has an empty one.
func (s *Service) Progress(ctx context.Context, actor *identity.Actor) ([]*Progress, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your courses")
	}
	got, err := s.store.Progress(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	out := make([]*Progress, 0, len(s.catalog.All()))
	for _, c := range s.catalog.All() {
		p := got[c.ID]
		if p == nil {
			p = &Progress{CourseID: c.ID, LessonsDone: []string{}}
		}
		// In the course's order, and only lessons it still has.
		p.LessonsDone = slices.DeleteFunc(p.LessonsDone, func(id string) bool { return c.lesson(id) < 0 })
		slices.SortFunc(p.LessonsDone, func(a, b string) int { return c.lesson(a) - c.lesson(b) })
		out = append(out, p)
	}
	return out, nil
}

// CourseProgress returns the actor's progress in one course.
func (s *Service) CourseProgress(ctx context.Context, actor *identity.Actor, courseID string) (*Progress, error) {
	if _, err := s.Course(courseID); err != nil {
		return nil, err
	}
	all, err := s.Progress(ctx, actor)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(p *Progress) bool { return p.CourseID == courseID })
	return all[i], nil
}

// CompleteLesson marks a lesson read by the actor.
func (s *Service) CompleteLesson(ctx context.Context, actor *identity.Actor, courseID, lessonID string) (*Progress, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to keep your progress")
	}
	c, err := s.Course(courseID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(c.Lessons, func(l Lesson) bool { return l.ID == lessonID }) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "course %q has no lesson %q", courseID, lessonID)
	}
	if err := s.store.CompleteLesson(ctx, actor.AccountID, courseID, lessonID, s.now()); err != nil {
		return nil, err
	}
	return s.CourseProgress(ctx, actor, courseID)
}

// TakeQuiz marks the actor's answers (question ID → index of the chosen
// choice; every question must be answered) and, if they pass, issues the
// course's certificate. A quiz may be taken MaxAttempts times an hour.
func (s *Service) TakeQuiz(ctx context.Context, actor *identity.Actor, courseID string, answers map[string]int) (*Attempt, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to take the quiz")
	}
	c, err := s.Course(courseID)
	if err != nil {
		return nil, err
	}
	for i, q := range c.Quiz.Questions {
		a, ok := answers[q.ID]
		if !ok {
			return nil, loopshop.Invalid("answers."+q.ID, "answer question %d of %d: %q", i+1, len(c.Quiz.Questions), q.Text)
		}
		if a < 0 || a >= len(q.Choices) {
			return nil, loopshop.Invalid("answers."+q.ID, "question %d has choices 0 to %d; %d is none of them", i+1, len(q.Choices)-1, a)
		}
	}
	for id := range answers {
		if !slices.ContainsFunc(c.Quiz.Questions, func(q Question) bool { return q.ID == id }) {
			return nil, loopshop.Invalid("answers."+id, "the quiz of %q has no question %q", c.Title, id)
		}
	}
	now := s.now()
	right, wrong := s.catalog.Score(c, answers)
	n := len(c.Quiz.Questions)
	a := &Attempt{ID: loopshop.NewID("qzt", actor.Market), CourseID: c.ID, Right: right, Questions: n, ScorePercent: right * 100 / n, Wrong: wrong, At: now}
	a.Passed = a.ScorePercent >= c.Quiz.PassPercent
	if a.Passed {
		a.Certificate = &Certificate{ID: loopshop.NewID("crt", actor.Market), AccountID: actor.AccountID, HolderName: actor.DisplayName,
			CourseID: c.ID, CourseTitle: c.Title, CourseVersion: c.Version, ScorePercent: a.ScorePercent, IssuedAt: now}
	}
	err = s.store.AddAttempt(ctx, actor.AccountID, a, now.Add(-AttemptWindow), MaxAttempts)
	if err == ErrTooManyAttempts {
		return nil, loopshop.Errorf(loopshop.ERATELIMIT, "you have taken this quiz %d times in the last hour: read the lessons again and retry later", MaxAttempts)
	}
	if err != nil {
		return nil, err
	}
	if a.Passed {
		// A second pass keeps the first certificate: show that one.
		p, err := s.CourseProgress(ctx, actor, c.ID)
		if err != nil {
			return nil, err
		}
		a.Certificate = p.Certificate
	}
	return a, nil
}

// Certificate returns a certificate, for anyone to check.
func (s *Service) Certificate(ctx context.Context, id string) (*Certificate, error) {
	c, err := s.store.Certificate(ctx, id)
	if err != nil {
		return nil, loopshop.NotFound(err, "certificate")
	}
	return c, nil
}

// Require answers whether the actor may use a capability: nil if it holds
// the certificate of every course that gates it, or a forbidden error
// naming the first course missing and where to take it.
func (s *Service) Require(ctx context.Context, actor *identity.Actor, capability string) error {
	c, err := s.Missing(ctx, actor, capability)
	if err != nil || c == nil {
		return err
	}
	return &loopshop.Error{Code: loopshop.EFORBIDDEN, Field: "course",
		Message: fmt.Sprintf("%s needs the Seller University course %q: take it at /university/%s (about %d minutes)", what(capability), c.Title, c.ID, c.Minutes)}
}

// Gate is the check of one capability, for a service that gates it
// without knowing of courses (live.Training).
type Gate struct {
	s          *Service
	capability string
}

// Gate returns the check of capability.
func (s *Service) Gate(capability string) Gate { return Gate{s: s, capability: capability} }

// Require is Service.Require of the gate's capability.
func (g Gate) Require(ctx context.Context, actor *identity.Actor) error {
	return g.s.Require(ctx, actor, g.capability)
}

// Missing returns the first course gating capability that the actor has
// not passed, or nil if there is none.
func (s *Service) Missing(ctx context.Context, actor *identity.Actor, capability string) (*Course, error) {
	gating := s.catalog.Gating(capability)
	if len(gating) == 0 {
		return nil, nil
	}
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in first")
	}
	got, err := s.store.Progress(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	for _, c := range gating {
		if p := got[c.ID]; p == nil || p.Certificate == nil {
			return c, nil
		}
	}
	return nil, nil
}

func what(capability string) string {
	if capability == CapabilityLive {
		return "going live"
	}
	return capability
}

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/loopshop/loopshop/university"
)

// UniversityStore implements university.Store in each account's region.
type UniversityStore struct{ r *Router }

// NewUniversityStore returns the Seller University store over r.
func NewUniversityStore(r *Router) *UniversityStore { return &UniversityStore{r: r} }

var _ university.Store = (*UniversityStore)(nil)

func (s *UniversityStore) CompleteLesson(ctx context.Context, accountID, courseID, lessonID string, at time.Time) error {
	db, err := s.r.ForID(accountID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO university_lessons_done (account_id, course_id, lesson_id, done_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id, course_id, lesson_id) DO NOTHING`, accountID, courseID, lessonID, at.UTC())
		return err
	})
}

func (s *UniversityStore) Progress(ctx context.Context, accountID string) (map[string]*university.Progress, error) {
	db, err := s.r.ForID(accountID)
	if err != nil {
		return nil, err
	}
	out := map[string]*university.Progress{}
	of := func(courseID string) *university.Progress {
		if out[courseID] == nil {
			out[courseID] = &university.Progress{CourseID: courseID, LessonsDone: []string{}}
		}
		return out[courseID]
	}
	x := db.Read()
	if err := x.Query(ctx, `SELECT course_id, lesson_id FROM university_lessons_done WHERE account_id = ? ORDER BY course_id, done_at, lesson_id`,
		[]any{accountID}, func(rows *sql.Rows) error {
			var course, lesson string
			if err := rows.Scan(&course, &lesson); err != nil {
				return err
			}
			p := of(course)
			p.LessonsDone = append(p.LessonsDone, lesson)
			return nil
		}); err != nil {
		return nil, err
	}
	if err := x.Query(ctx, `SELECT course_id, COUNT(*) FROM university_attempts WHERE account_id = ? GROUP BY course_id`,
		[]any{accountID}, func(rows *sql.Rows) error {
			var course string
			var n int
			if err := rows.Scan(&course, &n); err != nil {
				return err
			}
			of(course).Attempts = n
			return nil
		}); err != nil {
		return nil, err
	}
	err = x.Query(ctx, `SELECT `+certificateColumns+` FROM university_certificates WHERE account_id = ?`, []any{accountID}, func(rows *sql.Rows) error {
		c, err := scanCertificate(rows)
		if err != nil {
			return err
		}
		of(c.CourseID).Certificate = c
		return nil
	})
	return out, err
}

// AddAttempt counts the account's recent attempts in the transaction that
// records the new one. Two attempts of one account racing each other may
// both pass the count: the limit is there to make guessing slow, and one
// extra attempt does not change that.
func (s *UniversityStore) AddAttempt(ctx context.Context, accountID string, a *university.Attempt, since time.Time, max int) error {
	db, err := s.r.ForID(accountID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.Get(ctx, `SELECT COUNT(*) FROM university_attempts WHERE account_id = ? AND course_id = ? AND at > ?`,
			[]any{accountID, a.CourseID, since.UTC()}, &n); err != nil {
			return err
		}
		if n >= max {
			return university.ErrTooManyAttempts
		}
		if _, err := tx.Exec(ctx, `INSERT INTO university_attempts (id, account_id, course_id, right_answers, questions, passed, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.ID, accountID, a.CourseID, a.Right, a.Questions, a.Passed, a.At.UTC()); err != nil {
			return err
		}
		c := a.Certificate
		if c == nil {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO university_certificates (id, account_id, holder_name, course_id, course_title, course_version, score_percent, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, course_id) DO NOTHING`,
			c.ID, accountID, c.HolderName, c.CourseID, c.CourseTitle, c.CourseVersion, c.ScorePercent, c.IssuedAt.UTC())
		return err
	})
}

func (s *UniversityStore) Certificate(ctx context.Context, id string) (*university.Certificate, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	c := &university.Certificate{}
	if err := db.Read().Get(ctx, `SELECT `+certificateColumns+` FROM university_certificates WHERE id = ?`, []any{id},
		&c.ID, &c.AccountID, &c.HolderName, &c.CourseID, &c.CourseTitle, &c.CourseVersion, &c.ScorePercent, &c.IssuedAt); err != nil {
		return nil, err
	}
	c.IssuedAt = c.IssuedAt.UTC()
	return c, nil
}

const certificateColumns = `id, account_id, holder_name, course_id, course_title, course_version, score_percent, issued_at`

func scanCertificate(rows *sql.Rows) (*university.Certificate, error) {
	c := &university.Certificate{}
	if err := rows.Scan(&c.ID, &c.AccountID, &c.HolderName, &c.CourseID, &c.CourseTitle, &c.CourseVersion, &c.ScorePercent, &c.IssuedAt); err != nil {
		return nil, err
	}
	c.IssuedAt = c.IssuedAt.UTC()
	return c, nil
}

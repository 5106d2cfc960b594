package university_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/university"
)

// The courses that ship are well formed, and the live gate is one of them.
func TestBuiltInCourses(t *testing.T) {
	c := university.Courses()
	if len(c.All()) < 2 {
		t.Fatalf("%d courses; want the built-in ones", len(c.All()))
	}
	gating := c.Gating(university.CapabilityLive)
	if len(gating) != 1 || gating[0].ID != "closed-loop" {
		t.Errorf("live is gated by %v; want the closed-loop course", gating)
	}
	for _, course := range c.All() {
		right, wrong := c.Score(course, c.AnswerKey(course.ID))
		if right != len(course.Quiz.Questions) || len(wrong) != 0 {
			t.Errorf("%s: the answer key scores %d of %d", course.ID, right, len(course.Quiz.Questions))
		}
	}
}

func TestLoadCatalogRefusesBrokenCourses(t *testing.T) {
	good := `{"id": "x", "title": "X", "summary": "S", "minutes": 1, "version": 1, "gates": [],
		"lessons": [{"id": "l1", "title": "L", "body": ["B"]}],
		"quiz": {"pass_percent": 50, "questions": [{"id": "q1", "text": "Q", "choices": ["a", "b"], "answer": 1}]}}`
	if _, err := university.LoadCatalog(fstest.MapFS{"courses/x.json": {Data: []byte(good)}}); err != nil {
		t.Fatalf("a good course: %v", err)
	}
	tests := []struct{ name, file, body, want string }{
		{"no answer", "x.json", strings.Replace(good, `, "answer": 1`, "", 1), "index of the right one"},
		{"answer out of range", "x.json", strings.Replace(good, `"answer": 1`, `"answer": 2`, 1), "index of the right one"},
		{"unknown gate", "x.json", strings.Replace(good, `"gates": []`, `"gates": ["fly"]`, 1), `"fly"`},
		{"no lessons", "x.json", strings.Replace(good, `{"id": "l1", "title": "L", "body": ["B"]}`, "", 1), "no lessons"},
		{"file named for another course", "y.json", good, "belongs in x.json"},
		{"not JSON", "x.json", "{", "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := university.LoadCatalog(fstest.MapFS{"courses/" + tt.file: {Data: []byte(tt.body)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadCatalog = %v; want an error saying %q", err, tt.want)
			}
		})
	}
}

// A seller reads the lessons, fails the quiz and is told which questions
// to look at again, passes it and gets a certificate anyone can check;
// only then may it go live. Guessing is slowed to 5 attempts an hour.
func TestCourseToCertificate(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		s := university.NewService(sqlstore.NewUniversityStore(r), university.Courses(), func() time.Time { return now })
		seller := &identity.Actor{AccountID: loopshop.NewID("acc", "GB"), Market: "GB", DisplayName: "Harriet"}

		err := s.Require(ctx, seller, university.CapabilityLive)
		if loopshop.ErrorCode(err) != loopshop.EFORBIDDEN || !strings.Contains(err.Error(), "/university/closed-loop") {
			t.Errorf("going live untrained: %v; want forbidden, naming the course and where to take it", err)
		}
		if _, err := s.CompleteLesson(ctx, seller, "closed-loop", "nope"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("an unknown lesson: %v; want not found", err)
		}
		for range 2 { // reading a lesson again changes nothing
			if _, err := s.CompleteLesson(ctx, seller, "closed-loop", "why"); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.CompleteLesson(ctx, seller, "closed-loop", "what")
		if err != nil || strings.Join(p.LessonsDone, ",") != "why,what" {
			t.Errorf("progress %+v %v; want the two lessons read, in order", p, err)
		}

		key := s.Catalog().AnswerKey("closed-loop")
		if _, err := s.TakeQuiz(ctx, seller, "closed-loop", map[string]int{"q1": key["q1"]}); loopshop.ErrorField(err) != "answers.q2" {
			t.Errorf("a quiz half answered: %v; want it refused on answers.q2", err)
		}
		bad := map[string]int{}
		for q, a := range key {
			bad[q] = a
		}
		bad["q2"], bad["q4"] = (key["q2"]+1)%3, (key["q4"]+1)%3
		a, err := s.TakeQuiz(ctx, seller, "closed-loop", bad)
		if err != nil || a.Passed || a.Right != 3 || a.ScorePercent != 60 || strings.Join(a.Wrong, ",") != "q2,q4" || a.Certificate != nil {
			t.Fatalf("3 of 5 right: %+v %v; want 60 %%, failed, q2 and q4 to look at again", a, err)
		}
		if err := s.Require(ctx, seller, university.CapabilityLive); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("going live after failing: %v; want forbidden", err)
		}
		a, err = s.TakeQuiz(ctx, seller, "closed-loop", key)
		if err != nil || !a.Passed || a.ScorePercent != 100 || a.Certificate == nil {
			t.Fatalf("all right: %+v %v; want passed with a certificate", a, err)
		}
		crt := a.Certificate
		if err := s.Require(ctx, seller, university.CapabilityLive); err != nil {
			t.Errorf("going live certified: %v", err)
		}
		got, err := s.Certificate(ctx, crt.ID)
		if err != nil || got.HolderName != "Harriet" || got.CourseTitle != "Keeping the loop closed" || got.CourseVersion != 1 || !got.IssuedAt.Equal(now) {
			t.Errorf("certificate %+v %v; want Harriet's, of version 1 of the course, issued now", got, err)
		}
		if _, err := s.Certificate(ctx, "crt_gb_nothing"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a certificate that does not exist: %v; want not found", err)
		}
		// A second pass keeps the first certificate.
		if a, err := s.TakeQuiz(ctx, seller, "closed-loop", key); err != nil || a.Certificate == nil || a.Certificate.ID != crt.ID {
			t.Errorf("passing again: %+v %v; want the first certificate, %s", a, err, crt.ID)
		}

		// Three attempts so far this hour; two more are allowed, then none
		// until an hour has passed since the first.
		for i := range 2 {
			if _, err := s.TakeQuiz(ctx, seller, "closed-loop", bad); err != nil {
				t.Fatalf("attempt %d: %v", i+4, err)
			}
		}
		if _, err := s.TakeQuiz(ctx, seller, "closed-loop", bad); loopshop.ErrorCode(err) != loopshop.ERATELIMIT {
			t.Errorf("a sixth attempt within the hour: %v; want rate limited", err)
		}
		now = now.Add(university.AttemptWindow)
		if _, err := s.TakeQuiz(ctx, seller, "closed-loop", bad); err != nil {
			t.Errorf("an attempt an hour later: %v", err)
		}
		all, err := s.Progress(ctx, seller)
		if err != nil || len(all) != len(s.Catalog().All()) || all[0].CourseID != "closed-loop" || all[0].Attempts != 6 || all[0].Certificate == nil ||
			all[1].Attempts != 0 || len(all[1].LessonsDone) != 0 {
			t.Errorf("progress %+v %v; want 6 attempts and the certificate of closed-loop, nothing in the other course", all, err)
		}
		if _, err := s.Progress(ctx, nil); loopshop.ErrorCode(err) != loopshop.EUNAUTHORIZED {
			t.Errorf("a visitor's progress: %v; want unauthorized", err)
		}
	})
}

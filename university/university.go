// Package university is Seller University: the platform's courses for
// sellers and creators (lessons to read and a quiz to pass), each
// account's progress, the certificates it earns, and the capabilities a
// course gates — going live needs the closed-loop policy course.
//
// Courses are written by the platform and ship inside the binary
// (courses/*.json), reviewed like code: a course changes with a release,
// never behind a seller's back. What an account did with them lives in
// its market's region, like the rest of its data.
package university

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"time"
)

// Capabilities a course can gate.
const (
	CapabilityLive = "live" // host a live room: go live
)

// Course is a course as learners see it: its quiz comes without answers.
type Course struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Minutes is about how long reading the lessons and taking the quiz
	// takes.
	Minutes int `json:"minutes"`
	// Version changes when the course's content does; a certificate names
	// the version it was earned on.
	Version int `json:"version"`
	// Gates are the capabilities that need this course passed.
	Gates   []string `json:"gates"`
	Lessons []Lesson `json:"lessons"`
	Quiz    Quiz     `json:"quiz"`
}

// lesson returns the index of a lesson, or -1.
func (c *Course) lesson(id string) int {
	return slices.IndexFunc(c.Lessons, func(l Lesson) bool { return l.ID == id })
}

// Lesson is a page of a course: paragraphs of plain text.
type Lesson struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Body  []string `json:"body"`
}

// Quiz is a course's test: it is passed with PassPercent of the questions
// answered right.
type Quiz struct {
	PassPercent int        `json:"pass_percent"`
	Questions   []Question `json:"questions"`
}

// Question is a multiple-choice question; one choice is right.
type Question struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Choices []string `json:"choices"`
}

// Catalog is the courses on offer, with their answer keys.
type Catalog struct {
	courses []*Course
	byID    map[string]*Course
	answers map[string]map[string]int // course → question → right choice
}

//go:embed courses/*.json
var courseFiles embed.FS

// Courses returns the courses that ship with loopshop. They are checked by
// the package's tests, so a broken course file never reaches a release.
func Courses() *Catalog {
	c, err := LoadCatalog(courseFiles)
	if err != nil {
		panic("university: built-in courses: " + err.Error())
	}
	return c
}

// courseFile is a course as written: with each question's answer.
type courseFile struct {
	Course
	Quiz struct {
		PassPercent int `json:"pass_percent"`
		Questions   []struct {
			Question
			Answer *int `json:"answer"`
		} `json:"questions"`
	} `json:"quiz"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// LoadCatalog reads and checks every courses/*.json of fsys, in file name
// order.
func LoadCatalog(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "courses/*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{byID: map[string]*Course{}, answers: map[string]map[string]int{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f courseFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		course, answers, err := f.check()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if want := course.ID + ".json"; path.Base(name) != want {
			return nil, fmt.Errorf("%s: course %q belongs in %s", name, course.ID, want)
		}
		c.courses = append(c.courses, course)
		c.byID[course.ID] = course
		c.answers[course.ID] = answers
	}
	return c, nil
}

// check returns the course as learners see it and its answer key, or
// what is wrong with it.
func (f *courseFile) check() (*Course, map[string]int, error) {
	c := f.Course
	switch {
	case !idPattern.MatchString(c.ID):
		return nil, nil, fmt.Errorf("id %q: use 1 to 40 lower-case letters, digits and dashes", c.ID)
	case c.Title == "" || c.Summary == "":
		return nil, nil, fmt.Errorf("course %s needs a title and a summary", c.ID)
	case c.Minutes < 1 || c.Version < 1:
		return nil, nil, fmt.Errorf("course %s needs minutes and a version of at least 1", c.ID)
	case len(c.Lessons) == 0:
		return nil, nil, fmt.Errorf("course %s has no lessons", c.ID)
	case len(f.Quiz.Questions) == 0:
		return nil, nil, fmt.Errorf("course %s has no quiz questions", c.ID)
	case f.Quiz.PassPercent < 1 || f.Quiz.PassPercent > 100:
		return nil, nil, fmt.Errorf("course %s: pass_percent is 1 to 100", c.ID)
	}
	for _, g := range c.Gates {
		if g != CapabilityLive {
			return nil, nil, fmt.Errorf("course %s gates %q, which is no capability", c.ID, g)
		}
	}
	if c.Gates == nil {
		c.Gates = []string{}
	}
	seen := map[string]bool{}
	for _, l := range c.Lessons {
		if !idPattern.MatchString(l.ID) || seen["lesson "+l.ID] || l.Title == "" || len(l.Body) == 0 {
			return nil, nil, fmt.Errorf("course %s: lesson %q needs a unique id, a title and a body", c.ID, l.ID)
		}
		seen["lesson "+l.ID] = true
	}
	answers := map[string]int{}
	c.Quiz = Quiz{PassPercent: f.Quiz.PassPercent}
	for _, q := range f.Quiz.Questions {
		if !idPattern.MatchString(q.ID) || seen["question "+q.ID] || q.Text == "" {
			return nil, nil, fmt.Errorf("course %s: question %q needs a unique id and a text", c.ID, q.ID)
		}
		seen["question "+q.ID] = true
		if len(q.Choices) < 2 || q.Answer == nil || *q.Answer < 0 || *q.Answer >= len(q.Choices) {
			return nil, nil, fmt.Errorf("course %s: question %s needs 2 or more choices and the index of the right one", c.ID, q.ID)
		}
		answers[q.ID] = *q.Answer
		c.Quiz.Questions = append(c.Quiz.Questions, q.Question)
	}
	return &c, answers, nil
}

// All returns the courses, in file name order.
func (c *Catalog) All() []*Course { return c.courses }

// Course returns a course, or nil.
func (c *Catalog) Course(id string) *Course { return c.byID[id] }

// Gating returns the courses that gate a capability.
func (c *Catalog) Gating(capability string) []*Course {
	var out []*Course
	for _, course := range c.courses {
		if slices.Contains(course.Gates, capability) {
			out = append(out, course)
		}
	}
	return out
}

// AnswerKey returns a course's right answers, question by question, in
// order: for the demo data and for tests. The API never shows it, though
// anyone can read it in the course files.
func (c *Catalog) AnswerKey(courseID string) map[string]int {
	out := map[string]int{}
	for q, a := range c.answers[courseID] {
		out[q] = a
	}
	return out
}

// Score marks answers (question ID → chosen index) against the course's
// key: the number right, and the questions answered wrongly or not at all,
// in the quiz's order.
func (c *Catalog) Score(course *Course, answers map[string]int) (right int, wrong []string) {
	key := c.answers[course.ID]
	for _, q := range course.Quiz.Questions {
		if a, ok := answers[q.ID]; ok && a == key[q.ID] {
			right++
		} else {
			wrong = append(wrong, q.ID)
		}
	}
	return right, wrong
}

// Progress is what an account has done in a course.
type Progress struct {
	CourseID    string       `json:"course_id"`
	LessonsDone []string     `json:"lessons_done"`
	Attempts    int          `json:"attempts"`
	Certificate *Certificate `json:"certificate,omitempty"`
}

// Certificate records that an account passed a course.
type Certificate struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"account_id"`
	HolderName    string    `json:"holder_name"`
	CourseID      string    `json:"course_id"`
	CourseTitle   string    `json:"course_title"`
	CourseVersion int       `json:"course_version"`
	ScorePercent  int       `json:"score_percent"`
	IssuedAt      time.Time `json:"issued_at"`
}

// Attempt is a quiz taken: its score, the questions to look at again,
// and the certificate if it passed.
type Attempt struct {
	ID           string       `json:"id"`
	CourseID     string       `json:"course_id"`
	Right        int          `json:"right"`
	Questions    int          `json:"questions"`
	ScorePercent int          `json:"score_percent"`
	Passed       bool         `json:"passed"`
	Wrong        []string     `json:"wrong,omitempty"`
	Certificate  *Certificate `json:"certificate,omitempty"`
	At           time.Time    `json:"at"`
}

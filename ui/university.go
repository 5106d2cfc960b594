package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/university"
)

func (u *UI) registerUniversity(srv *server.Server) {
	srv.HandlePage("GET /university", u.page(u.handleUniversity))
	srv.HandlePage("GET /university/{course}", u.page(u.handleCourse))
	srv.HandlePage("POST /university/{course}/lessons/{lesson}", u.page(u.handleLessonRead))
	srv.HandlePage("POST /university/{course}/quiz", u.page(u.handleQuiz))
	srv.HandlePage("GET /university/certificates/{id}", u.page(u.handleCertificate))
}

// universityPage lists the courses, with the signed-in account's progress.
type universityPage struct {
	Courses []courseCard
}

// courseCard is a course with what the account did in it.
type courseCard struct {
	*university.Course
	Progress *university.Progress
	// LessonsRead counts the lessons the course still has that were read.
	LessonsRead int
}

func (u *UI) handleUniversity(w http.ResponseWriter, r *http.Request) error {
	progress, err := u.progress(r)
	if err != nil {
		return err
	}
	var p universityPage
	for _, c := range u.University.Catalog().All() {
		p.Courses = append(p.Courses, courseCardOf(c, progress))
	}
	u.render(w, r, http.StatusOK, "university", u.view(r, "Seller University", u.market(r), p))
	return nil
}

// progress returns the signed-in account's progress by course; a visitor
// has none.
func (u *UI) progress(r *http.Request) (map[string]*university.Progress, error) {
	out := map[string]*university.Progress{}
	if a := server.Actor(r); a == nil || a.AccountID == "" {
		return out, nil
	}
	all, err := u.University.Progress(r.Context(), server.Actor(r))
	for _, p := range all {
		out[p.CourseID] = p
	}
	return out, err
}

func courseCardOf(c *university.Course, progress map[string]*university.Progress) courseCard {
	cc := courseCard{Course: c, Progress: progress[c.ID]}
	if cc.Progress == nil {
		cc.Progress = &university.Progress{CourseID: c.ID}
	}
	cc.LessonsRead = len(cc.Progress.LessonsDone)
	return cc
}

// coursePage is a course: its lessons to read and its quiz, with the last
// attempt's result when the page answers one.
type coursePage struct {
	courseCard
	Lessons   []lessonView
	Questions []questionView
	// Answers are the choices of the attempt shown, by question.
	Answers map[string]int
	Attempt *university.Attempt
	Error   string
}

type lessonView struct {
	university.Lesson
	Read bool
}

type questionView struct {
	university.Question
	No int
	// Chosen is the index of the choice given, or -1.
	Chosen int
	// Wrong: the attempt shown got it wrong, or left it out.
	Wrong bool
}

func (u *UI) coursePage(r *http.Request) (*coursePage, error) {
	c, err := u.University.Course(r.PathValue("course"))
	if err != nil {
		return nil, err
	}
	progress, err := u.progress(r)
	if err != nil {
		return nil, err
	}
	p := &coursePage{courseCard: courseCardOf(c, progress), Answers: map[string]int{}}
	for _, l := range c.Lessons {
		p.Lessons = append(p.Lessons, lessonView{Lesson: l, Read: slices.Contains(p.Progress.LessonsDone, l.ID)})
	}
	return p, nil
}

// showAnswers fills the questions with the answers given, and marks those
// wrong (by question ID).
func (p *coursePage) showAnswers(wrong []string) {
	p.Questions = p.Questions[:0]
	for i, q := range p.Quiz.Questions {
		chosen, ok := p.Answers[q.ID]
		if !ok {
			chosen = -1
		}
		p.Questions = append(p.Questions, questionView{Question: q, No: i + 1, Chosen: chosen, Wrong: slices.Contains(wrong, q.ID)})
	}
}

func (u *UI) handleCourse(w http.ResponseWriter, r *http.Request) error {
	p, err := u.coursePage(r)
	if err != nil {
		return err
	}
	p.showAnswers(nil)
	u.render(w, r, http.StatusOK, "university_course", u.view(r, p.Title+" · Seller University", u.market(r), p))
	return nil
}

// handleLessonRead marks a lesson read and goes on to the next one, or to
// the quiz after the last.
func (u *UI) handleLessonRead(w http.ResponseWriter, r *http.Request) error {
	courseID, lessonID := r.PathValue("course"), r.PathValue("lesson")
	if _, err := u.University.CompleteLesson(r.Context(), server.Actor(r), courseID, lessonID); err != nil {
		return err
	}
	c, err := u.University.Course(courseID)
	if err != nil {
		return err
	}
	next := "#quiz"
	if i := slices.IndexFunc(c.Lessons, func(l university.Lesson) bool { return l.ID == lessonID }); i+1 < len(c.Lessons) {
		next = "#lesson-" + c.Lessons[i+1].ID
	}
	http.Redirect(w, r, "/university/"+url.PathEscape(courseID)+next, http.StatusSeeOther)
	return nil
}

// handleQuiz marks the quiz: a pass opens the certificate; a failed or
// incomplete attempt shows the course again with the answers given and
// the questions to look at again.
func (u *UI) handleQuiz(w http.ResponseWriter, r *http.Request) error {
	p, err := u.coursePage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return loopshop.Invalid("answers", "the quiz form could not be read")
	}
	for _, q := range p.Quiz.Questions {
		if v := r.PostForm.Get("q-" + q.ID); v != "" {
			if n, err := strconv.Atoi(v); err == nil {
				p.Answers[q.ID] = n
			}
		}
	}
	a, err := u.University.TakeQuiz(r.Context(), server.Actor(r), p.ID, p.Answers)
	switch loopshop.ErrorCode(err) {
	case "":
	case loopshop.EINVALID, loopshop.ERATELIMIT:
		p.Error = sentence(loopshop.ErrorMessage(err))
		var wrong []string
		if f := loopshop.ErrorField(err); strings.HasPrefix(f, "answers.") {
			wrong = append(wrong, strings.TrimPrefix(f, "answers."))
		}
		p.showAnswers(wrong)
		u.render(w, r, server.StatusOf(err), "university_course", u.view(r, p.Title+" · Seller University", u.market(r), p))
		return nil
	default:
		return err
	}
	if a.Passed {
		http.Redirect(w, r, "/university/certificates/"+url.PathEscape(a.Certificate.ID)+"?passed=1", http.StatusSeeOther)
		return nil
	}
	p.Attempt = a
	p.Progress.Attempts++
	p.showAnswers(a.Wrong)
	u.render(w, r, http.StatusOK, "university_course", u.view(r, p.Title+" · Seller University", u.market(r), p))
	return nil
}

// certificatePage is a certificate, public so that anyone can check it.
type certificatePage struct {
	*university.Certificate
	// Passed greets the holder who has just earned it.
	Passed bool
	// UnlocksLive: the course opens going live.
	UnlocksLive bool
	// GoLive are the pages where the holder sets up a live room: its
	// shop's Live tab (Seller Center when it has several shops), and
	// Creator Center for a creator.
	GoLive []pageLink
}

// pageLink is a link to one of the site's pages.
type pageLink struct {
	Label, URL string
}

// goLiveLinks are where an actor goes live, only to pages this UI serves.
func (u *UI) goLiveLinks(a *identity.Actor) []pageLink {
	var out []pageLink
	switch {
	case len(a.Shops) == 1 && u.Live != nil && u.Content != nil:
		for id := range a.Shops {
			out = append(out, pageLink{Label: "Your shop's Live tab", URL: "/seller/shops/" + url.PathEscape(id) + "/live"})
		}
	case len(a.Shops) > 1:
		out = append(out, pageLink{Label: "Seller Center", URL: "/seller"})
	}
	if a.IsCreator && u.Content != nil && u.Affiliate != nil && u.Payouts != nil {
		out = append(out, pageLink{Label: "Creator Center", URL: "/creator"})
	}
	return out
}

func (u *UI) handleCertificate(w http.ResponseWriter, r *http.Request) error {
	c, err := u.University.Certificate(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := certificatePage{Certificate: c}
	if a := server.Actor(r); a != nil && a.AccountID == c.AccountID {
		p.Passed = r.URL.Query().Get("passed") == "1"
	}
	if course := u.University.Catalog().Course(c.CourseID); course != nil {
		p.UnlocksLive = slices.Contains(course.Gates, university.CapabilityLive)
	}
	if a := server.Actor(r); p.Passed && p.UnlocksLive {
		p.GoLive = u.goLiveLinks(a)
	}
	u.render(w, r, http.StatusOK, "certificate", u.view(r, "Certificate: "+c.CourseTitle, u.market(r), p))
	return nil
}

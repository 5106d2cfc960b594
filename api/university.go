package api

import (
	"net/http"

	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/university"
)

func (a *API) universityRoutes() []server.Route {
	if a.University == nil {
		return nil
	}
	return []server.Route{
		{Method: "GET", Path: "/api/v1/university/courses", Tag: "university",
			Summary:  "Seller University's courses, each with its lessons, its quiz (without answers) and the capabilities it gates (live: going live needs the course passed).",
			Response: CourseList{}, Handler: a.handleCourses},
		{Method: "GET", Path: "/api/v1/university/courses/{id}", Tag: "university", Summary: "A course, with its lessons and its quiz (without answers).",
			Response: university.Course{}, Handler: a.handleCourse},
		{Method: "GET", Path: "/api/v1/me/university", Tag: "university", Auth: server.Required,
			Summary:  "Your progress in every course: the lessons read, the quiz attempts, and the certificate once passed.",
			Response: ProgressList{}, Handler: a.handleProgress},
		{Method: "PUT", Path: "/api/v1/me/university/{course}/lessons/{lesson}", Tag: "university", Auth: server.Required,
			Summary:  "Mark a lesson read. Marking it again changes nothing.",
			Response: university.Progress{}, Handler: a.handleLessonDone},
		{Method: "POST", Path: "/api/v1/university/courses/{id}/attempts", Tag: "university", Auth: server.Required,
			Summary: "Take a course's quiz: answers maps every question's id to the index of the chosen choice. Passing issues the course's certificate (once); " +
				"a failed attempt lists the questions to look at again. At most 5 attempts an hour per course.",
			Request: Answers{}, Response: university.Attempt{}, Status: http.StatusCreated, Handler: a.handleAttempt},
		{Method: "GET", Path: "/api/v1/certificates/{id}", Tag: "university", Summary: "A Seller University certificate, for anyone to check.",
			Response: university.Certificate{}, Handler: a.handleCertificate},
	}
}

// CourseList is Seller University's courses.
type CourseList struct {
	Items []*university.Course `json:"items"`
}

// ProgressList is an account's progress in every course.
type ProgressList struct {
	Items []*university.Progress `json:"items"`
}

// Answers are a quiz's answers: question id → index of the chosen choice.
type Answers struct {
	Answers map[string]int `json:"answers"`
}

func (a *API) handleCourses(w http.ResponseWriter, r *http.Request) error {
	return server.JSON(w, http.StatusOK, CourseList{Items: a.University.Catalog().All()})
}

func (a *API) handleCourse(w http.ResponseWriter, r *http.Request) error {
	c, err := a.University.Course(r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

func (a *API) handleProgress(w http.ResponseWriter, r *http.Request) error {
	p, err := a.University.Progress(r.Context(), server.Actor(r))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, ProgressList{Items: p})
}

func (a *API) handleLessonDone(w http.ResponseWriter, r *http.Request) error {
	p, err := a.University.CompleteLesson(r.Context(), server.Actor(r), r.PathValue("course"), r.PathValue("lesson"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleAttempt(w http.ResponseWriter, r *http.Request) error {
	var in Answers
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	at, err := a.University.TakeQuiz(r.Context(), server.Actor(r), r.PathValue("id"), in.Answers)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, at)
}

func (a *API) handleCertificate(w http.ResponseWriter, r *http.Request) error {
	c, err := a.University.Certificate(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

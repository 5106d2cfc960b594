package ui_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/identity"
)

// passQuiz answers a course's quiz through its page and follows the pass
// to the certificate; it returns the certificate's page and address.
func passQuiz(t *testing.T, b *browser, course string, answers map[string]int) (response, string) {
	t.Helper()
	form := url.Values{}
	for q, a := range answers {
		form.Set("q-"+q, strconv.Itoa(a))
	}
	r := b.post("/university/"+course+"/quiz", form)
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/university/certificates/crt_") {
		t.Fatalf("passing the quiz sends the seller to %q; want the certificate", loc)
	}
	return b.get(loc), loc
}

// A seller reads a course's lessons, fails its quiz and sees what to look
// at again with its answers kept, then passes it and gets a certificate
// that anyone can open.
func TestSellerUniversity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	visitor := e.browser()
	wantBody(t, visitor.get("/university"), []string{"Seller University", "Keeping the loop closed", "Needed to go live", "Sign in</a> to keep your progress"}, nil)
	wantBody(t, visitor.get("/university/closed-loop"), []string{"Why the loop is closed", "Sign in</a> to keep your progress"}, []string{`action="/university/closed-loop/lessons/`, "Submit my answers"})
	wantStatus(t, visitor.get("/university/nope"), http.StatusNotFound)

	b := e.signedIn(t, "harriet@example.com")
	wantBody(t, b.get("/university"), []string{"0 of 4 read"}, nil)
	wantBody(t, b.get("/university/closed-loop"), []string{`action="/university/closed-loop/lessons/why"`, "Submit my answers"}, nil)
	r := b.post("/university/closed-loop/lessons/why", nil)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/university/closed-loop#lesson-what" {
		t.Errorf("after the first lesson the seller goes to %q; want the next lesson", loc)
	}
	wantBody(t, b.get("/university/closed-loop"), []string{"1 of 4 read", "Read</span>"}, nil)
	r = b.post("/university/closed-loop/lessons/live", nil)
	if loc := r.Header.Get("Location"); loc != "/university/closed-loop#quiz" {
		t.Errorf("after the last lesson the seller goes to %q; want the quiz", loc)
	}

	key := e.univ.Catalog().AnswerKey("closed-loop")
	form := url.Values{}
	for q, a := range key {
		if q != "q5" {
			form.Set("q-"+q, strconv.Itoa(a))
		}
	}
	r = b.post("/university/closed-loop/quiz", form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{"Answer question 5 of 5", "Choose an answer."}, nil)
	// Two wrong of five: 60 %, under the 80 % that passes.
	form.Set("q-q4", strconv.Itoa((key["q4"]+1)%3))
	form.Set("q-q5", strconv.Itoa((key["q5"]+1)%3))
	r = b.post("/university/closed-loop/quiz", form)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"3 of 5 right (60 %): not passed yet", "Not quite: look at this one again.", "taken it 1 time.",
		`name="q-q1" value="` + strconv.Itoa(key["q1"]) + `" checked`}, nil)
	if n := strings.Count(r.body, "Not quite"); n != 2 {
		t.Errorf("%d questions marked wrong; want 2", n)
	}

	cert, at := passQuiz(t, b, "closed-loop", key)
	wantBody(t, cert, []string{"You passed.", "You can now go live", "Keeping the loop closed", "with 100 %"}, nil)
	wantBody(t, visitor.get(at), []string{"Keeping the loop closed", "Seller University certifies that"}, []string{"You passed."})
	wantBody(t, b.get("/university"), []string{"Passed · certificate"}, nil)
	wantStatus(t, visitor.get("/university/certificates/crt_gb_nothing"), http.StatusNotFound)
}

// The page that greets a pass links only to pages that exist: where the
// holder goes live (its shop's Live tab for a seller, Creator Center for a
// creator) and every other link on it opens, or asks to sign in.
func TestCertificateLinksOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.ids.SignUp(context.Background(), identity.SignUp{Market: "GB", Email: "mia@example.com", Password: "correct horse battery",
		DisplayName: "Mia Loops", Creator: true}); err != nil {
		t.Fatal(err)
	}
	key := e.univ.Catalog().AnswerKey("closed-loop")
	for _, tt := range []struct {
		name, email, goLive string
	}{
		{"seller", "harriet@example.com", `href="/seller/shops/` + e.gbShop.ID + `/live">`},
		{"creator", "mia@example.com", `href="/creator">Creator Center</a>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := e.signedIn(t, tt.email)
			cert, at := passQuiz(t, b, "closed-loop", key)
			wantBody(t, cert, []string{"You can now go live", tt.goLive}, nil)
			links := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(cert.body, -1)
			if len(links) < 5 {
				t.Fatalf("the page has %d links; the test reads them wrong", len(links))
			}
			for _, m := range links {
				link := html.UnescapeString(m[1])
				if strings.HasPrefix(link, "#") {
					continue
				}
				if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
					t.Errorf("%s links off the site to %q", at, link)
					continue
				}
				// Follow the site's redirects (Seller Center opens a
				// shop's tab) up to a page, or to signing in.
				r := b.get(link)
				for hops := 0; r.StatusCode == http.StatusSeeOther || r.StatusCode == http.StatusFound; hops++ {
					loc := r.Header.Get("Location")
					if hops == 3 || strings.HasPrefix(loc, "/login") {
						break
					}
					r = b.get(loc)
				}
				if r.StatusCode != http.StatusOK && !strings.HasPrefix(r.Header.Get("Location"), "/login") {
					t.Errorf("%s links to %s, which answers %d", at, link, r.StatusCode)
				}
			}
		})
	}
}

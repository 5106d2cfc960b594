package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// A seller posts a video from Seller Center, anchoring a product with a
// promo tile; a caption with a link is refused with the form kept; the
// video can be taken down again.
func TestSellerPostsVideo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.signedIn(t, "harriet@example.com")
	base := "/seller/shops/" + e.gbShop.ID + "/videos"
	r := b.get(base)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{`name="anchors" value="` + e.mug.ID + `"`, "Stoneware Mug", "No videos yet"}, []string{"Secret Teapot"})

	r = b.uploadAs(base, "video", "clip.mp4", string(testMP4), url.Values{"caption": {"order at mugs dot example dot com"}, "anchors": {e.mug.ID}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "closed-loop", "order at mugs dot example dot com", `value="` + e.mug.ID + `" checked`}, nil)

	r = b.uploadAs(base, "video", "notes.txt", "just some text", url.Values{"caption": {"hello"}, "anchors": {e.mug.ID}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "video/mp4"}, nil)

	r = b.uploadAs(base, "video", "clip.mp4", string(testMP4), url.Values{"caption": {"Tea time with the new mug"}, "anchors": {e.mug.ID},
		"promo_text": {"Mug week"}, "promo_off": {"10"}, "promo_hours": {"48"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = b.get(r.Header.Get("Location"))
	wantBody(t, r, []string{"Posted: “Tea time with the new mug”", "1 product · 0 views · 0 taps · 0 orders"}, []string{"No videos yet"})
	id := regexp.MustCompile(`action="/seller/videos/(vid_[a-z0-9_]+)/remove"`).FindStringSubmatch(r.body)
	if id == nil {
		t.Fatalf("no take-down form for the posted video:\n%s", r.body)
	}
	wantBody(t, e.browser().get("/"), []string{`data-video="` + id[1] + `"`, "Mug week", "-10%"}, nil)

	// Another seller cannot take it down; its own seller can.
	other := e.signedIn(t, "jonas@example.com")
	wantStatus(t, other.post("/seller/videos/"+id[1]+"/remove", nil), http.StatusNotFound)
	r = b.post("/seller/videos/"+id[1]+"/remove", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(base), []string{"No videos yet"}, nil)
}

package api

import (
	"encoding/json"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

// maxVideoUploadBytes is the body limit of a video upload: the video, its
// poster and the form around them.
const maxVideoUploadBytes = content.MaxVideoBytes + content.MaxPosterBytes + 1<<20

// multipartMemory is how much of a multipart upload is held in memory;
// the rest of its files wait in temporary files, removed after the request.
const multipartMemory = 8 << 20

func (a *API) contentRoutes() []server.Route {
	if a.Content == nil {
		return nil
	}
	pageQuery := map[string]string{"limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page"}
	return []server.Route{
		{Method: "POST", Path: "/api/v1/videos", Tag: "content", Auth: server.Required, MaxBodyBytes: maxVideoUploadBytes,
			Summary: "Post a short video as multipart/form-data: a part `meta` with the JSON of the video (caption, anchors, promo tile, showcase tiles; shop_id to post as a shop), " +
				"a file part `video` (MP4 or WebM, up to 100 MiB; the type is read from the bytes) and an optional file part `poster` (PNG, JPEG, WebP or GIF, up to 5 MiB). " +
				"Anchors link up to 6 live products of the video's market: a shop's own, or for a creator those of affiliate plans it joined. The caption passes the closed-loop link policy.",
			Request: content.NewVideo{}, Response: content.Video{}, Status: http.StatusCreated, Handler: a.handlePostVideo},
		{Method: "GET", Path: "/api/v1/videos/{id}", Tag: "content", Summary: "A video with its anchors, tiles and counters.",
			Response: content.Video{}, Handler: a.handleVideo},
		{Method: "DELETE", Path: "/api/v1/videos/{id}", Tag: "content", Auth: server.Required,
			Summary: "Take a video down: its author, or trust & safety staff cleared for its market.",
			Status:  http.StatusNoContent, Handler: a.handleRemoveVideo},
		{Method: "GET", Path: "/api/v1/markets/{market}/feed", Tag: "content",
			Summary: "The market's feed of shoppable videos, ranked by freshness, taps and sales, and for a signed-in buyer by the categories it taps most. The cursor continues the same ranking.",
			Query:   pageQuery, Response: page.Page[*content.Video]{}, Handler: a.handleFeed},
		{Method: "POST", Path: "/api/v1/markets/{market}/feed/views", Tag: "content", NoIdempotency: true,
			Summary: "Report the videos a client showed, up to 50 at a time, each counted once per report (not idempotent: each report is a new view).",
			Request: Views{}, Status: http.StatusNoContent, Handler: a.handleViews},
		{Method: "POST", Path: "/api/v1/taps", Tag: "content", NoIdempotency: true,
			Summary: "Record that the signed-in buyer tapped a product in content: an anchor or showcase tile in a video (video_id), a card in a creator's showcase (creator_id), " +
				"or a product of a live room's bag (kind live, room_id). " +
				"The buyer's order of that product within the attribution window is credited to the last tap. A visitor's tap is checked but not recorded. Not idempotent: every tap is a new one.",
			Request: Tap{}, Response: TapResult{}, Handler: a.handleTap},
		{Method: "GET", Path: "/api/v1/shops/{id}/videos", Tag: "content", Summary: "A shop's live videos, newest first.",
			Query: pageQuery, Response: page.Page[*content.Video]{}, Handler: a.handleVideosBy},
		{Method: "GET", Path: "/api/v1/creators/{id}/videos", Tag: "content", Summary: "A creator's live videos, newest first.",
			Query: pageQuery, Response: page.Page[*content.Video]{}, Handler: a.handleVideosBy},
		{Method: "GET", Path: "/api/v1/creators/{id}/showcase", Tag: "content", Summary: "The products a creator promotes on its profile.",
			Query: pageQuery, Response: page.Page[*content.ShowcaseItem]{}, Handler: a.handleShowcase},
		{Method: "PUT", Path: "/api/v1/me/showcase/{product_id}", Tag: "content", Auth: server.Required,
			Summary:  "Add a product to your showcase (creators; the product must be in an affiliate plan you joined). Adding it again changes nothing.",
			Response: content.ShowcaseItem{}, Handler: a.handleAddToShowcase},
		{Method: "DELETE", Path: "/api/v1/me/showcase/{product_id}", Tag: "content", Auth: server.Required,
			Summary: "Take a product off your showcase.", Status: http.StatusNoContent, Handler: a.handleRemoveFromShowcase},
	}
}

// Views are the videos a client showed.
type Views struct {
	VideoIDs []string `json:"video_ids"`
}

// Tap is a buyer's tap on a product in content.
type Tap struct {
	Kind      string `json:"kind"` // anchor, tile, showcase or live
	VideoID   string `json:"video_id,omitempty"`
	RoomID    string `json:"room_id,omitempty"`
	CreatorID string `json:"creator_id,omitempty"`
	ProductID string `json:"product_id"`
}

// TapResult says whether the tap was kept for attribution.
type TapResult struct {
	ProductID string `json:"product_id"`
	Recorded  bool   `json:"recorded"`
}

func (a *API) handlePostVideo(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return loopshop.Errorf(loopshop.EINVALID, "post a video as multipart/form-data with the parts meta (JSON), video (the file) and, optionally, poster")
	}
	if err := r.ParseMultipartForm(multipartMemory); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return loopshop.Errorf(loopshop.ETOOLARGE, "the upload is over %d MiB; a video may be up to %d MiB and its poster %d MiB",
				maxVideoUploadBytes>>20, content.MaxVideoBytes>>20, content.MaxPosterBytes>>20)
		}
		return loopshop.Errorf(loopshop.EINVALID, "the multipart form could not be read: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	var in content.NewVideo
	meta := r.MultipartForm.Value["meta"]
	if len(meta) != 1 {
		return loopshop.Invalid("meta", "give one part meta with the video's JSON: caption, anchors and so on")
	}
	dec := json.NewDecoder(strings.NewReader(meta[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return loopshop.Invalid("meta", "meta is not a video's JSON: %v", err)
	}
	var up content.Upload
	video, err := formFile(r.MultipartForm, "video")
	if err != nil {
		return err
	}
	if video == nil {
		return loopshop.Invalid("video", "attach the video file as the part video (MP4 or WebM)")
	}
	defer video.Close()
	up.Video = video
	poster, err := formFile(r.MultipartForm, "poster")
	if err != nil {
		return err
	}
	if poster != nil {
		defer poster.Close()
		up.Poster = poster
	}
	v, err := a.Content.PostVideo(r.Context(), server.Actor(r), in, up)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/videos/"+v.ID)
	return server.JSON(w, http.StatusCreated, v)
}

// formFile opens the one file of part name, or returns nil when there is
// none.
func formFile(f *multipart.Form, name string) (multipart.File, error) {
	fhs := f.File[name]
	switch len(fhs) {
	case 0:
		return nil, nil
	case 1:
		return fhs[0].Open()
	}
	return nil, loopshop.Invalid(name, "give one file as %s, not %d", name, len(fhs))
}

func (a *API) handleVideo(w http.ResponseWriter, r *http.Request) error {
	v, err := a.Content.Video(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, v)
}

func (a *API) handleRemoveVideo(w http.ResponseWriter, r *http.Request) error {
	if err := a.Content.RemoveVideo(r.Context(), server.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleFeed(w http.ResponseWriter, r *http.Request) error {
	pr, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	f, err := a.Content.Feed(r.Context(), server.Actor(r), strings.ToUpper(r.PathValue("market")), pr)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, f)
}

func (a *API) handleViews(w http.ResponseWriter, r *http.Request) error {
	var in Views
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	if err := a.Content.RecordViews(r.Context(), strings.ToUpper(r.PathValue("market")), in.VideoIDs); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleTap(w http.ResponseWriter, r *http.Request) error {
	var in Tap
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	var t *content.Touch
	var err error
	if in.Kind == content.TouchLive && a.Live != nil {
		t, err = a.Live.Tap(r.Context(), server.Actor(r), in.RoomID, in.ProductID)
	} else {
		t, err = a.Content.Tap(r.Context(), server.Actor(r), in.Kind, in.VideoID, in.CreatorID, in.ProductID)
	}
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, TapResult{ProductID: t.ProductID, Recorded: t.ID != ""})
}

func (a *API) handleVideosBy(w http.ResponseWriter, r *http.Request) error {
	pr, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Content.VideosBy(r.Context(), r.PathValue("id"), pr)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleShowcase(w http.ResponseWriter, r *http.Request) error {
	pr, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Content.Showcase(r.Context(), r.PathValue("id"), pr)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleAddToShowcase(w http.ResponseWriter, r *http.Request) error {
	it, err := a.Content.AddToShowcase(r.Context(), server.Actor(r), r.PathValue("product_id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, it)
}

func (a *API) handleRemoveFromShowcase(w http.ResponseWriter, r *http.Request) error {
	if err := a.Content.RemoveFromShowcase(r.Context(), server.Actor(r), r.PathValue("product_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

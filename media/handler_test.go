package media_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopshop/loopshop/media"
)

func TestHandler(t *testing.T) {
	l, _ := MustOpenLocal(t)
	body := []byte("\x89PNG\r\n\x1a\n0123456789abcdef")
	mustPut(t, l, "products/p1/1.png", body)
	mustPut(t, l, "products/p1/clip.webm", []byte("\x1a\x45\xdf\xa3 not really"))
	h := media.Handler(l, "/media") // the trailing slash is added

	const immutable = "public, max-age=31536000, immutable"
	tests := []struct {
		name        string
		method      string
		target      string
		header      http.Header
		wantStatus  int
		wantBody    string
		wantHeaders map[string]string
	}{
		{
			name: "whole image", method: "GET", target: "/media/products/p1/1.png",
			wantStatus: 200, wantBody: string(body),
			wantHeaders: map[string]string{
				"Content-Type": "image/png", "Content-Length": "24", "Cache-Control": immutable,
				"X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes",
			},
		},
		{
			name: "range", method: "GET", target: "/media/products/p1/1.png",
			header:     http.Header{"Range": {"bytes=8-11"}},
			wantStatus: 206, wantBody: "0123",
			wantHeaders: map[string]string{
				"Content-Type": "image/png", "Content-Range": "bytes 8-11/24", "Content-Length": "4",
				"Cache-Control": immutable,
			},
		},
		{
			name: "suffix range", method: "GET", target: "/media/products/p1/1.png",
			header:     http.Header{"Range": {"bytes=-3"}},
			wantStatus: 206, wantBody: "def",
			wantHeaders: map[string]string{"Content-Range": "bytes 21-23/24"},
		},
		{
			name: "unsatisfiable range", method: "GET", target: "/media/products/p1/1.png",
			header:      http.Header{"Range": {"bytes=100-200"}},
			wantStatus:  416,
			wantHeaders: map[string]string{"Cache-Control": ""},
		},
		{
			name: "head", method: "HEAD", target: "/media/products/p1/1.png",
			wantStatus: 200, wantBody: "",
			wantHeaders: map[string]string{"Content-Type": "image/png", "Content-Length": "24"},
		},
		{
			name: "video", method: "GET", target: "/media/products/p1/clip.webm",
			wantStatus: 200, wantBody: "\x1a\x45\xdf\xa3 not really",
			wantHeaders: map[string]string{"Content-Type": "video/webm"},
		},
		{
			name: "missing", method: "GET", target: "/media/products/p1/2.png",
			wantStatus:  404,
			wantHeaders: map[string]string{"Cache-Control": ""},
		},
		{name: "folder", method: "GET", target: "/media/products/p1", wantStatus: 404},
		{name: "bad key", method: "GET", target: "/media/products/p1/%2e%2e/p1/1.png", wantStatus: 404},
		{name: "prefix only", method: "GET", target: "/media/", wantStatus: 404},
		{name: "outside the prefix", method: "GET", target: "/other/products/p1/1.png", wantStatus: 404},
		{
			name: "post", method: "POST", target: "/media/products/p1/1.png",
			wantStatus:  405,
			wantHeaders: map[string]string{"Allow": "GET, HEAD"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			res := w.Result()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			got, _ := io.ReadAll(res.Body)
			if tt.wantStatus < 300 && string(got) != tt.wantBody {
				t.Errorf("body %q, want %q", got, tt.wantBody)
			}
			for k, want := range tt.wantHeaders {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestHandlerOverHTTP serves through a real server, as a browser would
// fetch a video in pieces.
func TestHandlerOverHTTP(t *testing.T) {
	l, _ := MustOpenLocal(t)
	video := strings.Repeat("0123456789", 10_000)
	mustPut(t, l, "v/1.mp4", []byte(video))
	mux := http.NewServeMux()
	mux.Handle("/media/", media.Handler(l, "/media/"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, err := http.NewRequest("GET", srv.URL+"/media/v/1.mp4", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Range", "bytes=50000-50009")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusPartialContent || string(got) != video[50000:50010] {
		t.Errorf("got %d %q, want 206 %q", res.StatusCode, got, video[50000:50010])
	}
	if diff := cmp.Diff([]string{"video/mp4"}, res.Header.Values("Content-Type")); diff != "" {
		t.Errorf("Content-Type (-want +got):\n%s", diff)
	}
}

// brokenStore fails every Open, as a store whose disk has gone would.
type brokenStore struct{ media.Store }

func (brokenStore) Open(context.Context, string) (io.ReadSeekCloser, media.Info, error) {
	return nil, media.Info{}, errors.New("disk on fire")
}

func TestHandlerStoreFailure(t *testing.T) {
	w := httptest.NewRecorder()
	media.Handler(brokenStore{}, "/media/").ServeHTTP(w, httptest.NewRequest("GET", "/media/a.png", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	if strings.Contains(w.Body.String(), "fire") {
		t.Errorf("body %q leaks the internal error", w.Body.String())
	}
}

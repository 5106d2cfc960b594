package media

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/loopshop/loopshop"
)

// Handler returns a handler serving GET and HEAD requests for the objects
// in store, at prefix followed by the key: with prefix "/media/", the
// object "products/p1/1.png" is at "/media/products/p1/1.png". A prefix
// without a trailing slash gets one. Mount it on the same pattern:
//
//	mux.Handle("/media/", media.Handler(store, "/media/"))
//
// Responses carry the stored content type with X-Content-Type-Options:
// nosniff, so a browser never second-guesses it, and are cached for a year
// as immutable: a changed file must be stored under a new key. Range and
// conditional requests are answered by http.ServeContent. Paths that are
// not valid keys get 404, like missing objects, and so do not reveal why.
//
// The handler writes its few errors as plain text rather than through the
// server's problem documents: it serves files to browsers and <img> tags,
// not to API clients. It logs failures other than 404 to slog's default
// logger.
func Handler(store Store, prefix string) http.Handler {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &handler{store: store, prefix: prefix}
}

type handler struct {
	store  Store
	prefix string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	if !ok || CheckKey(key) != nil {
		http.NotFound(w, r)
		return
	}
	f, info, err := h.store.Open(r.Context(), key)
	switch {
	case errors.Is(err, loopshop.ErrNotFound):
		http.NotFound(w, r)
		return
	case errors.Is(err, context.Canceled):
		return // the client has gone
	case err != nil:
		slog.ErrorContext(r.Context(), "serve media", slog.String("key", key), slog.String("error", err.Error()))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	hdr := w.Header()
	hdr.Set("Content-Type", info.ContentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	// ServeContent drops Cache-Control again when it answers with an error,
	// such as 416 for an unsatisfiable range.
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, key, info.ModTime, f)
}

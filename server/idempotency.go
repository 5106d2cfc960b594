package server

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/idempotency"
	"github.com/loopshop/loopshop/identity"
)

// idempotent runs h at most once per Idempotency-Key of the signed-in
// account: a repeat gets the first response back (with Idempotent-Replayed:
// true), a repeat while the first is still running gets 409, and the key
// reused for another request gets 422. Only successful responses are kept;
// after a failure the client may retry with the same key.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h HandlerFunc) error {
	key := r.Header.Get("Idempotency-Key")
	if err := idempotency.ValidKey(key); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	actor := Actor(r)
	hash := idempotency.RequestHash(r.Method, r.URL.RequestURI(), body)
	ctx := r.Context()
	rec, err := s.deps.Idempotency.Begin(ctx, actor.Market, actor.AccountID, key, hash, identity.Now())
	if err != nil {
		return err
	}
	if rec != nil {
		switch {
		case rec.RequestHash != hash:
			return loopshop.Errorf(loopshop.EUNPROCESSABLE, "this Idempotency-Key was already used for a different request; use a new key for a new request")
		case rec.Status == 0:
			w.Header().Set("Retry-After", "1")
			return loopshop.Errorf(loopshop.ECONFLICT, "a request with this Idempotency-Key is still being handled; retry in a moment to get its result")
		}
		if rec.ContentType != "" {
			w.Header().Set("Content-Type", rec.ContentType)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(rec.Status)
		_, _ = w.Write(rec.Body)
		return nil
	}

	rw := &recorder{ResponseWriter: w}
	herr := h(rw, r)
	if herr == nil && rw.status >= 200 && rw.status < 300 {
		if err := s.deps.Idempotency.Complete(ctx, actor.Market, actor.AccountID, key, rw.status, rw.Header().Get("Content-Type"), rw.buf.Bytes()); err != nil {
			logger(r).ErrorContext(ctx, "keep idempotent response", slog.String("error", err.Error()), slog.String("key", key))
		}
		return nil
	}
	if err := s.deps.Idempotency.Release(ctx, actor.Market, actor.AccountID, key); err != nil {
		logger(r).ErrorContext(ctx, "release idempotency key", slog.String("error", err.Error()), slog.String("key", key))
	}
	return herr
}

// recorder passes a response through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/loopshop/loopshop/identity"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	actorKey
	loggerKey
	sessionTokenKey
)

// RequestID returns the request's ID, as sent back in X-Request-Id.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// Actor returns the signed-in actor of the request, or nil.
func Actor(r *http.Request) *identity.Actor {
	a, _ := r.Context().Value(actorKey).(*identity.Actor)
	return a
}

// SessionToken returns the token the request was authenticated with.
func SessionToken(r *http.Request) string {
	s, _ := r.Context().Value(sessionTokenKey).(string)
	return s
}

func logger(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

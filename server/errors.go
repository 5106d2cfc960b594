package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/loopshop/loopshop"
)

// statusOf maps error kinds to HTTP status codes: the only place that does.
var statusOf = map[string]int{
	loopshop.EINVALID:       http.StatusBadRequest,
	loopshop.EUNAUTHORIZED:  http.StatusUnauthorized,
	loopshop.EFORBIDDEN:     http.StatusForbidden,
	loopshop.ENOTFOUND:      http.StatusNotFound,
	loopshop.ENOTALLOWED:    http.StatusMethodNotAllowed,
	loopshop.ECONFLICT:      http.StatusConflict,
	loopshop.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	loopshop.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	loopshop.ERATELIMIT:     http.StatusTooManyRequests,
	loopshop.EINTERNAL:      http.StatusInternalServerError,
	loopshop.EUNAVAILABLE:   http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := statusOf[loopshop.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document, with loopshop's extensions: the
// error kind, the field at fault and the request ID to quote to support.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance,omitempty"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// Error writes err as a problem document and logs internal errors with
// their full text, which the client never sees.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code := loopshop.ErrorCode(err)
	status := StatusOf(err)
	if status >= 500 {
		logger(r).ErrorContext(r.Context(), "request failed", slog.String("error", err.Error()))
	}
	p := Problem{
		Type:      "urn:loopshop:problem:" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    loopshop.ErrorMessage(err),
		Instance:  r.URL.Path,
		Code:      code,
		Field:     loopshop.ErrorField(err),
		RequestID: RequestID(r.Context()),
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="loopshop"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

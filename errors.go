package loopshop

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error kinds. Each maps to exactly one HTTP status in server.Error; nothing
// else in the code base decides a status code.
const (
	EINVALID       = "invalid"            // the request is malformed or breaks a rule: 400
	EUNAUTHORIZED  = "unauthorized"       // no valid credentials: 401
	EFORBIDDEN     = "forbidden"          // credentials valid, permission missing: 403
	ENOTFOUND      = "not_found"          // no such object, or not visible to the caller: 404
	ENOTALLOWED    = "method_not_allowed" // the path exists, but not with this method: 405
	ECONFLICT      = "conflict"           // the object's current state forbids this: 409
	ETOOLARGE      = "too_large"          // the request body is over its limit: 413
	EUNPROCESSABLE = "unprocessable"      // well-formed but refused, e.g. an idempotency key reused with another body: 422
	ERATELIMIT     = "rate_limited"       // too many requests: 429
	EINTERNAL      = "internal"           // a fault of ours; the message is not shown to the caller: 500
	EUNAVAILABLE   = "unavailable"        // a dependency is down; retry later: 503
)

// Error is an error a caller can act on: Code says what kind of failure it
// is and Message, written for the person reading it, what to fix.
type Error struct {
	Code    string
	Message string
	// Field names the input at fault, when one is ("email", "items[2].quantity").
	Field string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Is makes errors.Is match two *Error values of the same code and message,
// so sentinels such as ErrAlreadyExists survive wrapping and copying.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == e.Message && t.Field == e.Field
}

// Errorf returns an *Error of the given kind.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Sentinels the stores return and the services translate into messages
// that name the object concerned.
var (
	ErrNotFound      = &Error{Code: ENOTFOUND, Message: "not found"}
	ErrAlreadyExists = &Error{Code: ECONFLICT, Message: "already exists"}
)

// ErrorCode returns the kind of err, EINTERNAL for anything that is not an
// *Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message meant for the caller. Internal errors
// never leak their text.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "An internal error occurred; it has been logged. Retry later or report the request ID."
}

// ErrorField returns the input field err is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// NotFound names kind in a store's not-found answer: a not-found error,
// or an invalid ID (which names nothing), becomes "kind not found"; any
// other error passes through.
func NotFound(err error, kind string) error {
	if c := ErrorCode(err); c == ENOTFOUND || c == EINVALID {
		return Errorf(ENOTFOUND, "%s not found", kind)
	}
	return err
}

// Needs is a constructor's refusal to build without a dependency: given
// tells, for each dependency's name, whether it was given. It returns nil
// when all were, or an error naming every one that was not, so that a
// platform wired without a part fails at start instead of quietly running
// without the feature that part provides.
func Needs(what string, given map[string]bool) error {
	var missing []string
	for name, ok := range given {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("%s: built without %s: pass every dependency to its constructor", what, strings.Join(missing, ", "))
}

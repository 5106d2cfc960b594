package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/loopshop/loopshop"
)

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// Decode reads a JSON request body into v. Unknown fields, trailing data,
// a wrong content type and an over-long body are errors that say what to fix.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return loopshop.Errorf(loopshop.EINVALID, "send the body as JSON with Content-Type: application/json (got %s)", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return loopshop.Errorf(loopshop.EINVALID, "the body holds more than one JSON value; send exactly one object")
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return loopshop.Errorf(loopshop.ETOOLARGE, "the body is larger than the limit of %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return loopshop.Errorf(loopshop.EINVALID, "the body is empty; send a JSON object")
	case errors.As(err, &syn):
		return loopshop.Errorf(loopshop.EINVALID, "the body is not valid JSON: %v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		return &loopshop.Error{Code: loopshop.EINVALID, Field: typ.Field, Message: fmt.Sprintf("%s must be a JSON %s, not %s", typ.Field, typ.Type, typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &loopshop.Error{Code: loopshop.EINVALID, Field: field, Message: fmt.Sprintf("unknown field %q; see /api/openapi.json for the fields this endpoint takes", field)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return loopshop.Errorf(loopshop.EINVALID, "the body ends in the middle of a JSON value")
	}
	return loopshop.Errorf(loopshop.EINVALID, "the body could not be read as JSON: %v", err)
}

// readBody reads the whole (already size-limited) body and puts it back
// for the handler.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, decodeError(err)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

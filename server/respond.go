package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode"

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
		field := jsonPath(typ.Field)
		return &loopshop.Error{Code: loopshop.EINVALID, Field: field, Message: fmt.Sprintf("%s must be a JSON %s, not %s", field, jsonType(typ.Type), typ.Value)}
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

// jsonPath drops from encoding/json's dotted field path the Go names of
// embedded structs ("NewProduct.skus.price" → "skus.price"): every JSON
// name of the API is lower-case, every Go type name upper-case.
func jsonPath(path string) string {
	var parts []string
	for _, p := range strings.Split(path, ".") {
		if p != "" && !unicode.IsUpper(rune(p[0])) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// jsonType names a Go type the way a JSON client knows it.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean (true or false)"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "value"
}

package server

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/invopop/jsonschema"
)

// openapiDoc is the server's OpenAPI document, built the first time it is
// asked for: every route is registered before the server serves, and the
// route table never changes afterwards.
type openapiDoc struct {
	once sync.Once
	body []byte
	err  error
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := s.OpenAPI()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return nil
}

// OpenAPI returns the OpenAPI 3.1 document of the registered routes, as
// JSON. It is built once, on the first call; routes registered after that
// are not in it.
func (s *Server) OpenAPI() ([]byte, error) {
	s.openapi.once.Do(func() {
		doc, err := buildOpenAPI(s.routes)
		if err == nil {
			s.openapi.body, err = json.MarshalIndent(doc, "", "  ")
		}
		if err != nil {
			err = fmt.Errorf("build the OpenAPI document: %w", err)
		}
		s.openapi.err = err
	})
	return s.openapi.body, s.openapi.err
}

// Names of the reusable parts of the document.
const (
	refSchemas    = "#/components/schemas/"
	refResponses  = "#/components/responses/"
	refParameters = "#/components/parameters/"
	refHeaders    = "#/components/headers/"
)

// errorResponses are the problem responses a route may document, by status.
var errorResponses = []struct {
	status      string
	name        string
	description string
	headers     []string
}{
	{"400", "BadRequest", "The request is malformed or a value is invalid: detail says what to fix, field which input.", nil},
	{"401", "Unauthorized", "No valid session: sign in and send Authorization: Bearer <token>.", []string{"WWW-Authenticate"}},
	{"403", "Forbidden", "Signed in but not allowed to do this, or a cross-site browser request was refused.", nil},
	{"404", "NotFound", "No such object, or one the caller may not see.", nil},
	{"409", "Conflict", "The request conflicts with the current state, or a request with the same Idempotency-Key is still being handled (retry after Retry-After).", []string{"Retry-After"}},
	{"413", "ContentTooLarge", "The body is larger than the server accepts.", nil},
	{"422", "UnprocessableContent", "The Idempotency-Key was already used for a different request.", nil},
	{"429", "TooManyRequests", "Too many requests from this client; retry after Retry-After seconds.", []string{"Retry-After"}},
	{"default", "Error", "Any other error, such as an internal error (500) or a database that does not answer (503); quote request_id to support.", nil},
}

// ownContent documents the bodies of the server's own routes that are not
// JSON values of a Go type.
var ownContent = map[string]map[string]any{
	"GET /metrics": {"text/plain": map[string]any{"schema": map[string]any{
		"type": "string", "description": "Prometheus text exposition format."}}},
	"GET /api/openapi.json": {"application/json": map[string]any{"schema": map[string]any{
		"type": "object", "description": "An OpenAPI 3.1 document."}}},
}

// buildOpenAPI makes the document of routes. Its maps are written with
// sorted keys and its lists in a fixed order, so the same routes always give
// the same bytes.
func buildOpenAPI(routes []Route) (doc map[string]any, err error) {
	defer func() {
		// The reflector panics on types JSON cannot encode (chan, func).
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("%v", p)
		}
	}()

	roots := []reflect.Type{reflect.TypeFor[Problem]()}
	for _, rt := range routes {
		for _, v := range []any{rt.Request, rt.Response} {
			if v != nil {
				roots = append(roots, reflect.TypeOf(v))
			}
		}
	}
	set, err := newSchemaSet(roots)
	if err != nil {
		return nil, err
	}
	problem := map[string]any{"$ref": refSchemas + set.names[reflect.TypeFor[Problem]()]}

	ids := operationIDs(routes)
	paths := map[string]any{}
	tags := map[string]bool{}
	for i, rt := range routes {
		oaPath, params := pathParams(rt.Path)
		unsafe := rt.Method != http.MethodGet && rt.Method != http.MethodHead && rt.Method != http.MethodOptions
		idem := unsafe && !rt.NoIdempotency

		op := map[string]any{"operationId": ids[i], "summary": rt.Summary}
		if rt.Tag != "" {
			op["tags"] = []string{rt.Tag}
			tags[rt.Tag] = true
		}

		var parameters []any
		for _, p := range params {
			parameters = append(parameters, map[string]any{
				"name": p, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range slices.Sorted(maps.Keys(rt.Query)) {
			parameters = append(parameters, map[string]any{
				"name": q, "in": "query", "description": rt.Query[q], "schema": map[string]any{"type": "string"}})
		}
		if idem {
			parameters = append(parameters, map[string]any{"$ref": refParameters + "IdempotencyKey"})
		}
		if len(parameters) > 0 {
			op["parameters"] = parameters
		}

		if rt.Request != nil {
			sc, err := set.schemaFor(reflect.TypeOf(rt.Request))
			if err != nil {
				return nil, fmt.Errorf("%s %s request: %w", rt.Method, rt.Path, err)
			}
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": sc}}}
		}

		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		success := map[string]any{"description": http.StatusText(status)}
		headers := map[string]any{"X-Request-Id": map[string]any{"$ref": refHeaders + "X-Request-Id"}}
		if idem {
			headers["Idempotent-Replayed"] = map[string]any{"$ref": refHeaders + "Idempotent-Replayed"}
		}
		success["headers"] = headers
		switch content, own := ownContent[rt.Method+" "+rt.Path]; {
		case own:
			success["content"] = content
		case status == http.StatusNoContent || rt.Response == nil:
			// No body.
		case reflect.TypeOf(rt.Response).Kind() == reflect.String:
			success["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		default:
			sc, err := set.schemaFor(reflect.TypeOf(rt.Response))
			if err != nil {
				return nil, fmt.Errorf("%s %s response: %w", rt.Method, rt.Path, err)
			}
			success["content"] = map[string]any{"application/json": map[string]any{"schema": sc}}
		}
		responses := map[string]any{strconv.Itoa(status): success}
		applies := map[string]bool{
			"400": rt.Request != nil || len(rt.Query) > 0 || len(params) > 0 || idem,
			"401": rt.Auth == Required,
			"403": rt.Auth == Required || unsafe,
			"404": len(params) > 0,
			"409": idem,
			"413": rt.Request != nil,
			"422": idem,
			"429": true,
			// default
		}
		for _, e := range errorResponses {
			if ok, listed := applies[e.status]; ok || !listed {
				responses[e.status] = map[string]any{"$ref": refResponses + e.name}
			}
		}
		op["responses"] = responses

		// Any route reads a session if one is sent; Required ones need it.
		security := []any{map[string]any{"bearerAuth": []string{}}, map[string]any{"cookieAuth": []string{}}}
		if rt.Auth != Required {
			security = append([]any{map[string]any{}}, security...)
		}
		op["security"] = security

		item, _ := paths[oaPath].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[oaPath] = item
		}
		method := strings.ToLower(rt.Method)
		if _, dup := item[method]; dup {
			return nil, fmt.Errorf("two routes document %s %s", rt.Method, oaPath)
		}
		item[method] = op
	}

	var tagList []any
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		tagList = append(tagList, map[string]any{"name": t})
	}

	responses := map[string]any{}
	for _, e := range errorResponses {
		resp := map[string]any{
			"description": e.description,
			"content":     map[string]any{"application/problem+json": map[string]any{"schema": problem}},
		}
		hs := map[string]any{"X-Request-Id": map[string]any{"$ref": refHeaders + "X-Request-Id"}}
		for _, h := range e.headers {
			hs[h] = map[string]any{"$ref": refHeaders + h}
		}
		resp["headers"] = hs
		responses[e.name] = resp
	}

	schemas := map[string]any{}
	for name, sc := range set.schemas {
		schemas[name] = sc
	}

	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "loopshop",
			"version":     "v1",
			"description": "The JSON API of a loopshop server. Errors are RFC 9457 problem documents (application/problem+json). Unsafe requests of a signed-in account take an Idempotency-Key: a repeat gets the first response back.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas":   schemas,
			"responses": responses,
			"parameters": map[string]any{
				"IdempotencyKey": map[string]any{
					"name": "Idempotency-Key", "in": "header", "required": false,
					"description": "Makes the request safe to retry: a repeat with the same key gets the first response back (with Idempotent-Replayed: true) instead of acting twice. Keys belong to the signed-in account and are ignored for anonymous requests; reusing one for a different request is refused with 422. A UUID is a good choice.",
					"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
				},
			},
			"headers": map[string]any{
				"X-Request-Id": map[string]any{
					"description": "The request's ID, also in every problem's request_id; quote it to support. A valid X-Request-Id sent by the client is kept.",
					"schema":      map[string]any{"type": "string"},
				},
				"Idempotent-Replayed": map[string]any{
					"description": "true when this is the kept response of an earlier request with the same Idempotency-Key.",
					"schema":      map[string]any{"type": "string", "enum": []string{"true"}},
				},
				"Retry-After": map[string]any{
					"description": "Seconds to wait before retrying.",
					"schema":      map[string]any{"type": "integer"},
				},
				"WWW-Authenticate": map[string]any{
					"description": "The authentication scheme to use: Bearer.",
					"schema":      map[string]any{"type": "string"},
				},
			},
			"securitySchemes": map[string]any{
				"bearerAuth": map[string]any{
					"type": "http", "scheme": "bearer",
					"description": "A session token from signing in, sent as Authorization: Bearer <token>. A malformed, unknown or expired token is refused with 401 on every route.",
				},
				"cookieAuth": map[string]any{
					"type": "apiKey", "in": "cookie", "name": SessionCookie,
					"description": "The web session cookie. Unsafe requests carrying it must come from the same site: cross-site browser requests are refused with 403.",
				},
			},
		},
	}, nil
}

// pathParams turns a ServeMux pattern into an OpenAPI path template and
// lists its wildcards in order: {id} stays, {rest...} becomes {rest}, and
// the end anchor {$} is dropped.
func pathParams(pattern string) (string, []string) {
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:] // a host-specific pattern
	}
	segs := strings.Split(pattern, "/")
	var names []string
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") {
			continue
		}
		name := strings.TrimSuffix(seg[1:len(seg)-1], "...")
		if name == "$" {
			segs[i] = ""
			continue
		}
		names = append(names, name)
		segs[i] = "{" + name + "}"
	}
	return strings.Join(segs, "/"), names
}

var versionSeg = regexp.MustCompile(`^v[0-9]+$`)

// operationIDs names each route's operation after its method and path:
// GET /api/v1/shops/{id}/products is getShopsByIdProducts. The /api/v1
// prefix is left out unless that would make two names equal; names that are
// still equal get a number, in registration order.
func operationIDs(routes []Route) []string {
	name := func(rt Route, full bool) string {
		p, _ := pathParams(rt.Path)
		var b strings.Builder
		b.WriteString(strings.ToLower(rt.Method))
		segs := strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
		for i, seg := range segs {
			if !full && (i == 0 && seg == "api" || i <= 1 && versionSeg.MatchString(seg)) {
				continue
			}
			if strings.HasPrefix(seg, "{") {
				b.WriteString("By")
				seg = seg[1 : len(seg)-1]
			}
			b.WriteString(camel(seg))
		}
		return b.String()
	}
	ids := make([]string, len(routes))
	count := map[string]int{}
	for i, rt := range routes {
		ids[i] = name(rt, false)
		count[ids[i]]++
	}
	for i, rt := range routes {
		if count[ids[i]] > 1 {
			ids[i] = name(rt, true)
		}
	}
	seen := map[string]int{}
	for i, id := range ids {
		seen[id]++
		if n := seen[id]; n > 1 {
			ids[i] = id + "_" + strconv.Itoa(n)
		}
	}
	return ids
}

// camel joins the letters and digits of s, each run capitalised:
// "openapi.json" is OpenapiJson, "shop_id" ShopId.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// schemaSet holds the JSON Schemas of the named Go types the routes use,
// under the component names the document gives them.
type schemaSet struct {
	names   map[reflect.Type]string
	schemas map[string]*jsonschema.Schema
}

// newSchemaSet reflects every named struct, slice and map type reachable
// from roots into a component schema of its own.
func newSchemaSet(roots []reflect.Type) (*schemaSet, error) {
	// First find the types, to name them knowing every name in use.
	var found []reflect.Type
	seen := map[reflect.Type]bool{}
	discover := func(t reflect.Type) jsonschema.ID {
		if !seen[t] {
			seen[t] = true
			found = append(found, t)
		}
		return "#"
	}
	for _, t := range roots {
		t = deref(t)
		if isComponent(t) {
			discover(t)
		} else if _, err := reflectSchema(t, discover); err != nil {
			return nil, err
		}
	}
	for i := 0; i < len(found); i++ { // found grows as types are reflected
		if _, err := reflectSchema(found[i], discover); err != nil {
			return nil, err
		}
	}

	set := &schemaSet{names: componentNames(found), schemas: map[string]*jsonschema.Schema{}}
	for _, t := range found {
		sc, err := reflectSchema(t, set.lookup)
		if err != nil {
			return nil, err
		}
		set.schemas[set.names[t]] = sc
	}
	return set, nil
}

func (s *schemaSet) lookup(t reflect.Type) jsonschema.ID {
	return jsonschema.ID(refSchemas + s.names[t])
}

// schemaFor returns the schema of a body of type t: a reference to its
// component, or the schema itself for an unnamed type.
func (s *schemaSet) schemaFor(t reflect.Type) (any, error) {
	t = deref(t)
	if isComponent(t) {
		return map[string]any{"$ref": refSchemas + s.names[t]}, nil
	}
	return reflectSchema(t, s.lookup)
}

// reflectSchema reflects t itself, with the named types inside it
// referenced through lookup (which the reflector consults only for the
// types isComponent accepts).
func reflectSchema(t reflect.Type, lookup func(reflect.Type) jsonschema.ID) (*jsonschema.Schema, error) {
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		Mapper:         specialSchema,
		Lookup: func(t reflect.Type) jsonschema.ID {
			if !isComponent(t) {
				return jsonschema.EmptyID
			}
			return lookup(t)
		},
	}
	sc := r.ReflectFromType(t)
	if len(sc.Definitions) > 0 {
		return nil, fmt.Errorf("type %s: the schema reflector kept local definitions (%v), which this document cannot place", t, slices.Sorted(maps.Keys(sc.Definitions)))
	}
	sc.Version, sc.ID, sc.Definitions = "", jsonschema.EmptyID, nil
	return sc, nil
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// specialSchema describes the types that encode themselves: time.Time as a
// date-time string, other text marshalers as strings, and JSON marshalers
// as any value, since their fields say nothing of what they write.
func specialSchema(t reflect.Type) *jsonschema.Schema {
	switch {
	case t == timeType:
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case implements(t, jsonMarshalerType):
		return &jsonschema.Schema{Description: "encoded by " + t.String() + "'s MarshalJSON"}
	case implements(t, textMarshalerType):
		return &jsonschema.Schema{Type: "string"}
	}
	return nil
}

// isComponent reports whether t gets a component schema of its own: named
// structs, slices, arrays and maps. Named strings and numbers are inlined.
func isComponent(t reflect.Type) bool {
	if t.Name() == "" || specialSchema(t) != nil {
		return false
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
		return true
	}
	return false
}

var (
	pkgQualifier = regexp.MustCompile(`(?:[\w.~-]+/)*[\w~-]+\.`)
	word         = regexp.MustCompile(`[A-Za-z0-9]+`)
	invalidName  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

// componentNames names each type by its Go name, generic arguments joined
// with underscores (page.Page[*catalog.Product] is Page_Product). Types that
// would share a name are qualified by their package (CatalogProduct), then
// by their whole import path, then numbered in the order they were found.
func componentNames(types []reflect.Type) map[reflect.Type]string {
	short := func(t reflect.Type) string {
		name := t.Name()
		base, args, generic := strings.Cut(name, "[")
		if !generic {
			return name
		}
		args = strings.ReplaceAll(strings.TrimSuffix(args, "]"), "[]", "List ")
		args = pkgQualifier.ReplaceAllString(args, "")
		var b strings.Builder
		b.WriteString(base)
		for _, arg := range strings.Split(args, ",") {
			b.WriteByte('_')
			for _, w := range word.FindAllString(arg, -1) {
				b.WriteString(camel(w))
			}
		}
		return b.String()
	}
	qualified := func(t reflect.Type) string { return camel(path.Base(t.PkgPath())) + short(t) }
	full := func(t reflect.Type) string {
		return strings.Trim(invalidName.ReplaceAllString(t.PkgPath()+"."+t.Name(), "_"), "_")
	}

	names := map[reflect.Type]string{}
	for _, namer := range []func(reflect.Type) string{short, qualified, full} {
		count := map[string]int{}
		for _, t := range types {
			if names[t] == "" {
				names[t] = namer(t)
			}
			count[names[t]]++
		}
		clash := false
		for _, t := range types {
			if count[names[t]] > 1 {
				delete(names, t)
				clash = true
			}
		}
		if !clash {
			return names
		}
	}
	taken := map[string]bool{}
	for _, n := range names {
		taken[n] = true
	}
	for _, t := range types {
		if names[t] != "" {
			continue
		}
		n := full(t)
		for i := 2; taken[n]; i++ {
			n = full(t) + "_" + strconv.Itoa(i)
		}
		names[t] = n
		taken[n] = true
	}
	return names
}

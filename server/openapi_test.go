package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/loopshop/loopshop/api"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/testkit"
)

// Product shares its name with catalog.Product, so the document must tell
// the two apart.
type Product struct {
	Name string            `json:"name"`
	Tags map[string]string `json:"tags,omitempty"`
}

// documented returns a server with every API route plus test routes that
// use what the API does not yet: generics beside a clashing name, a
// wildcard to the end, an anchored pattern, pointers, unnamed slices and
// maps, 204 and a string body.
func documented(t *testing.T) *stack {
	t.Helper()
	noContent := func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	st := newStack(t, sqlstore.SQLite,
		server.Route{Method: "GET", Path: "/api/test/products/{id}", Tag: "test", Summary: "Get a test product.", Response: &Product{},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				return server.JSON(w, http.StatusOK, Product{Name: r.PathValue("id")})
			}},
		server.Route{Method: "PUT", Path: "/api/test/products/{id}", Tag: "test", Auth: server.Required, Summary: "Replace a test product.",
			Request: Product{}, Response: Product{}, Handler: ok},
		server.Route{Method: "DELETE", Path: "/api/test/products/{id}", Tag: "test", Auth: server.Required, Summary: "Delete a test product.",
			Status: http.StatusNoContent, Handler: noContent},
		server.Route{Method: "GET", Path: "/api/test/shops/{shop}/pages", Tag: "test", Summary: "A page of products.",
			Query:    map[string]string{"limit": "page size", "cursor": "where to go on", "after": "a third"},
			Response: page.Page[*catalog.Product]{},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				return server.JSON(w, http.StatusOK, page.Page[*catalog.Product]{Items: []*catalog.Product{}})
			}},
		server.Route{Method: "GET", Path: "/api/test/files/{path...}", Tag: "test", Summary: "A file.", Response: "", Handler: ok},
		server.Route{Method: "POST", Path: "/api/test/batch/{$}", Tag: "test", Summary: "A batch.", NoIdempotency: true,
			Request: []Product{}, Response: map[string]int{}, Handler: ok},
		server.Route{Method: "GET", Path: "/api/test/sizes", Summary: "Sizes.", Response: []*Product{}, Handler: ok},
		server.Route{Method: "DELETE", Path: "/api/test/files/{path...}", Tag: "test", Summary: "Remove a file.", Status: http.StatusNoContent, Handler: noContent},
	)
	(&api.API{
		Markets:    st.router.Markets(),
		Identity:   st.ids,
		Catalog:    testkit.Platform(t, st.router).Catalog,
		SessionTTL: time.Hour,
	}).Register(st.srv)
	return st
}

// openapi fetches the document as a client would.
func openapi(t *testing.T, srv *server.Server) (raw []byte, doc map[string]any) {
	t.Helper()
	resp := serve(srv, httptest.NewRequest("GET", "/api/openapi.json", nil))
	raw = body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/openapi.json: status %d, Content-Type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	return raw, doc
}

var wildcard = regexp.MustCompile(`\{([^}]*)\}`)

// template is how a ServeMux pattern is written in the document, and the
// names of its wildcards.
func template(pattern string) (string, []string) {
	var names []string
	p := wildcard.ReplaceAllStringFunc(pattern, func(m string) string {
		name := strings.TrimSuffix(m[1:len(m)-1], "...")
		if name == "$" {
			return ""
		}
		names = append(names, name)
		return "{" + name + "}"
	})
	return p, names
}

// resolve follows a local reference such as #/components/schemas/Problem.
func resolve(doc map[string]any, ref string) (any, bool) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// deref returns v, or what it refers to when it is a reference.
func deref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		target, found := resolve(doc, ref)
		if !found {
			t.Fatalf("unresolved %s", ref)
		}
		m, _ = target.(map[string]any)
	}
	return m
}

func TestOpenAPIDocument(t *testing.T) {
	st := documented(t)
	raw, doc := openapi(t, st.srv)
	routes := st.srv.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered; the API's routes are missing", len(routes))
	}

	t.Run("header", func(t *testing.T) {
		info, _ := doc["info"].(map[string]any)
		servers, _ := doc["servers"].([]any)
		if doc["openapi"] != "3.1.0" || info["title"] != "loopshop" || info["version"] == "" || len(servers) != 1 {
			t.Fatalf("openapi %v, info %v, servers %v", doc["openapi"], info, servers)
		}
		if url := servers[0].(map[string]any)["url"]; url != "/" {
			t.Errorf("server url %v, want /", url)
		}
	})

	t.Run("a validator accepts it", func(t *testing.T) {
		d, err := libopenapi.NewDocument(raw)
		if err != nil {
			t.Fatal(err)
		}
		v, errs := validator.NewValidator(d)
		if len(errs) > 0 {
			t.Fatalf("the document does not build: %v", errs)
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			for _, e := range verrs {
				t.Error(e)
			}
		}
		if _, err := d.BuildV3Model(); err != nil {
			t.Errorf("build model: %v", err)
		}
	})

	t.Run("every reference resolves", func(t *testing.T) {
		var walk func(path string, v any)
		refs := 0
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if k == "$defs" {
						t.Errorf("%s: $defs left in the document", path)
					}
					if ref, ok := x.(string); k == "$ref" && ok {
						refs++
						if !strings.HasPrefix(ref, "#/components/") {
							t.Errorf("%s: $ref %q does not point into components", path, ref)
						} else if _, found := resolve(doc, ref); !found {
							t.Errorf("%s: $ref %q does not resolve", path, ref)
						}
					}
					walk(path+"/"+k, x)
				}
			case []any:
				for i, x := range v {
					walk(fmt.Sprintf("%s/%d", path, i), x)
				}
			}
		}
		walk("#", doc)
		if refs < 50 {
			t.Errorf("only %d references: the document should share its schemas and responses", refs)
		}
	})

	paths, _ := doc["paths"].(map[string]any)
	op := func(rt server.Route) map[string]any {
		p, _ := template(rt.Path)
		item, _ := paths[p].(map[string]any)
		o, _ := item[strings.ToLower(rt.Method)].(map[string]any)
		return o
	}

	t.Run("every route is documented, and nothing else", func(t *testing.T) {
		ids := map[string]string{}
		for _, rt := range routes {
			o := op(rt)
			if o == nil {
				t.Errorf("%s %s is not in the document", rt.Method, rt.Path)
				continue
			}
			id, _ := o["operationId"].(string)
			if id == "" || ids[id] != "" {
				t.Errorf("%s %s: operationId %q is empty or also that of %s", rt.Method, rt.Path, id, ids[id])
			}
			ids[id] = rt.Method + " " + rt.Path
			if o["summary"] != rt.Summary {
				t.Errorf("%s %s: summary %q, want %q", rt.Method, rt.Path, o["summary"], rt.Summary)
			}
			if tags, _ := o["tags"].([]any); rt.Tag != "" && (len(tags) != 1 || tags[0] != rt.Tag) {
				t.Errorf("%s %s: tags %v, want [%s]", rt.Method, rt.Path, tags, rt.Tag)
			}
		}
		ops := 0
		for _, item := range paths {
			ops += len(item.(map[string]any))
		}
		if ops != len(routes) {
			t.Errorf("%d operations documented for %d routes", ops, len(routes))
		}
	})

	t.Run("parameters", func(t *testing.T) {
		for _, rt := range routes {
			o := op(rt)
			if o == nil {
				continue
			}
			got := map[string][]string{}
			params, _ := o["parameters"].([]any)
			for _, p := range params {
				p := deref(t, doc, p)
				in, name := p["in"].(string), p["name"].(string)
				got[in] = append(got[in], name)
				if in == "path" && p["required"] != true {
					t.Errorf("%s %s: path parameter %s is not required", rt.Method, rt.Path, name)
				}
			}
			p, want := template(rt.Path)
			for _, name := range want {
				if !strings.Contains(p, "{"+name+"}") {
					t.Errorf("%s %s: the path %s lacks {%s}", rt.Method, rt.Path, p, name)
				}
			}
			if !slices.Equal(got["path"], want) {
				t.Errorf("%s %s: path parameters %v, want %v", rt.Method, rt.Path, got["path"], want)
			}
			var query []string
			for name := range rt.Query {
				query = append(query, name)
			}
			slices.Sort(query)
			if !slices.Equal(got["query"], query) {
				t.Errorf("%s %s: query parameters %v, want %v (sorted)", rt.Method, rt.Path, got["query"], query)
			}
			unsafe := rt.Method != "GET" && rt.Method != "HEAD"
			if key := slices.Contains(got["header"], "Idempotency-Key"); key != (unsafe && !rt.NoIdempotency) {
				t.Errorf("%s %s: Idempotency-Key documented %v, want %v", rt.Method, rt.Path, key, !key)
			}
		}
	})

	t.Run("bodies, responses and security", func(t *testing.T) {
		for _, rt := range routes {
			o := op(rt)
			if o == nil {
				continue
			}
			name := rt.Method + " " + rt.Path
			_, params := template(rt.Path)
			if _, has := o["requestBody"]; has != (rt.Request != nil) {
				t.Errorf("%s: requestBody documented %v, want %v", name, has, rt.Request != nil)
			}
			responses := o["responses"].(map[string]any)
			success := deref(t, doc, responses[fmt.Sprint(rt.Status)])
			if success == nil {
				t.Errorf("%s: no %d response", name, rt.Status)
				continue
			}
			content, _ := success["content"].(map[string]any)
			switch {
			case rt.Status == http.StatusNoContent:
				if content != nil {
					t.Errorf("%s: 204 with content %v", name, content)
				}
			case name == "GET /metrics":
				if content["text/plain"] == nil {
					t.Errorf("%s: content %v, want text/plain", name, content)
				}
			case rt.Response != nil && content["application/json"] == nil && content["text/plain"] == nil:
				t.Errorf("%s: no body documented", name)
			}
			for status, want := range map[string]bool{
				"401":     rt.Auth == server.Required,
				"404":     len(params) > 0,
				"413":     rt.Request != nil,
				"429":     true,
				"default": true,
			} {
				r := deref(t, doc, responses[status])
				if (r != nil) != want {
					t.Errorf("%s: response %s documented %v, want %v", name, status, r != nil, want)
					continue
				}
				if r == nil {
					continue
				}
				c, _ := r["content"].(map[string]any)
				schema, _ := deref(t, doc, c["application/problem+json"].(map[string]any)["schema"])["properties"].(map[string]any)
				if schema["code"] == nil || schema["request_id"] == nil {
					t.Errorf("%s: response %s is not a problem document: %v", name, status, c)
				}
			}
			security, _ := o["security"].([]any)
			anonymous := slices.ContainsFunc(security, func(s any) bool { return len(s.(map[string]any)) == 0 })
			bearer := slices.ContainsFunc(security, func(s any) bool { return s.(map[string]any)["bearerAuth"] != nil })
			if !bearer || anonymous != (rt.Auth != server.Required) {
				t.Errorf("%s: security %v; want bearerAuth, and anonymous access only on public routes", name, security)
			}
		}
		schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
		if b := schemes["bearerAuth"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
			t.Errorf("bearerAuth %v", b)
		}
		if c := schemes["cookieAuth"].(map[string]any); c["in"] != "cookie" || c["name"] != server.SessionCookie {
			t.Errorf("cookieAuth %v", c)
		}
	})

	t.Run("schemas", func(t *testing.T) {
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		for name := range schemas {
			if !regexp.MustCompile(`^[A-Za-z0-9._-]+$`).MatchString(name) {
				t.Errorf("component name %q is not valid", name)
			}
		}
		for _, want := range []string{"Problem", "Page_Product", "CatalogProduct", "ServerTestProduct", "Account"} {
			if schemas[want] == nil {
				t.Errorf("no schema %s among %v", want, slices.Sorted(maps.Keys(schemas)))
			}
		}
		items := schemas["Page_Product"].(map[string]any)["properties"].(map[string]any)["items"].(map[string]any)
		if ref := items["items"].(map[string]any)["$ref"]; ref != "#/components/schemas/CatalogProduct" {
			t.Errorf("Page_Product items refer to %v, want catalog.Product", ref)
		}
		created := schemas["Account"].(map[string]any)["properties"].(map[string]any)["created_at"].(map[string]any)
		if created["type"] != "string" || created["format"] != "date-time" {
			t.Errorf("a time is documented as %v, want a date-time string", created)
		}
	})

	t.Run("every documented operation is served", func(t *testing.T) {
		for p, item := range paths {
			for method := range item.(map[string]any) {
				url := wildcard.ReplaceAllString(p, "x")
				req := httptest.NewRequest(strings.ToUpper(method), url, strings.NewReader("{}"))
				resp := serve(st.srv, req)
				b := body(t, resp)
				if resp.StatusCode == http.StatusMethodNotAllowed ||
					resp.StatusCode == http.StatusNotFound && bytes.Contains(b, []byte("no endpoint")) {
					t.Errorf("%s %s: %d %s", strings.ToUpper(method), url, resp.StatusCode, b)
				}
			}
		}
	})

	t.Run("responses match their schemas", func(t *testing.T) {
		d, err := libopenapi.NewDocument(raw)
		if err != nil {
			t.Fatal(err)
		}
		v, errs := validator.NewValidator(d)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		token, _ := st.signIn(t, "ada@example.com", "api")
		for _, c := range []struct {
			method, path, body string
			auth               bool
			status             int
		}{
			{"GET", "/healthz", "", false, http.StatusOK},
			{"GET", "/api/v1/markets", "", false, http.StatusOK},
			{"POST", "/api/v1/accounts", `{"market":"GB","email":"bob@example.com","password":"a long passphrase"}`, false, http.StatusCreated},
			{"POST", "/api/v1/accounts", `{"market":"GB","email":"bob@example.com","password":"a long passphrase"}`, false, http.StatusConflict},
			{"POST", "/api/v1/accounts", `{"market":"GB","email":"not an address","password":"a long passphrase"}`, false, http.StatusBadRequest},
			{"GET", "/api/v1/me", "", true, http.StatusOK},
			{"GET", "/api/v1/me", "", false, http.StatusUnauthorized},
			{"POST", "/api/v1/shops", `{"name":"Ada's Goods"}`, true, http.StatusCreated},
			{"GET", "/api/v1/markets/GB/products", "", false, http.StatusOK},
			{"GET", "/api/v1/products/prd_gb_0000000000000000000000000", "", false, http.StatusNotFound},
			{"GET", "/api/test/products/abc", "", false, http.StatusOK},
			{"GET", "/api/test/shops/abc/pages", "", false, http.StatusOK},
		} {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if c.auth {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp := serve(st.srv, req)
				b := body(t, resp)
				if resp.StatusCode != c.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, b)
				}
				resp.Body = io.NopCloser(bytes.NewReader(b))
				req = httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				if ok, verrs := v.ValidateHttpResponse(req, resp); !ok {
					for _, e := range verrs {
						t.Errorf("%v: %s", e, b)
					}
				}
			})
		}
	})
}

func TestOpenAPIIsStable(t *testing.T) {
	a, _ := openapi(t, documented(t).srv)
	st := documented(t)
	b, _ := openapi(t, st.srv)
	again, _ := openapi(t, st.srv)
	if !bytes.Equal(a, b) || !bytes.Equal(b, again) {
		t.Errorf("the same routes gave different documents")
	}
}

func TestOpenAPIOfAnUndocumentableRoute(t *testing.T) {
	srv := newServer(t, nil, server.Route{Method: "GET", Path: "/api/test/stream", Summary: "A channel cannot be JSON.",
		Response: make(chan int), Handler: ok})
	p := problem(t, serve(srv, httptest.NewRequest("GET", "/api/openapi.json", nil)), http.StatusInternalServerError, "internal")
	if strings.Contains(p.Detail, "chan") {
		t.Errorf("detail %q leaks the internal error", p.Detail)
	}
}

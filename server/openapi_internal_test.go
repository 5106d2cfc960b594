package server

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/page"
)

// Product clashes with catalog.Product.
type Product struct{ Name string }

type Pair[K comparable, V any] struct {
	Key   K
	Value V
}

func TestComponentNames(t *testing.T) {
	tests := []struct {
		name  string
		types []reflect.Type
		want  []string
	}{
		{"plain names", []reflect.Type{reflect.TypeFor[catalog.Shop](), reflect.TypeFor[Problem]()}, []string{"Shop", "Problem"}},
		{"generic", []reflect.Type{reflect.TypeFor[page.Page[*catalog.Product]](), reflect.TypeFor[page.Page[[]string]]()},
			[]string{"Page_Product", "Page_ListString"}},
		{"two arguments", []reflect.Type{reflect.TypeFor[Pair[string, map[string]*catalog.SKU]]()}, []string{"Pair_String_MapStringSKU"}},
		{"a clash is qualified by package", []reflect.Type{reflect.TypeFor[catalog.Product](), reflect.TypeFor[Product](), reflect.TypeFor[catalog.Shop]()},
			[]string{"CatalogProduct", "ServerProduct", "Shop"}},
		{"a clash of generics", []reflect.Type{reflect.TypeFor[page.Page[*catalog.Product]](), reflect.TypeFor[page.Page[Product]]()},
			[]string{"github.com_loopshop_loopshop_page.Page_github.com_loopshop_loopshop_catalog.Product", "github.com_loopshop_loopshop_page.Page_github.com_loopshop_loopshop_server.Product"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := componentNames(tt.types)
			var got []string
			for _, ty := range tt.types {
				got = append(got, names[ty])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPathParams(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		params  []string
	}{
		{"/healthz", "/healthz", nil},
		{"/api/v1/shops/{id}/products", "/api/v1/shops/{id}/products", []string{"id"}},
		{"/api/v1/markets/{market}/products/{id}", "/api/v1/markets/{market}/products/{id}", []string{"market", "id"}},
		{"/media/{key...}", "/media/{key}", []string{"key"}},
		{"/api/v1/things/{$}", "/api/v1/things/", nil},
		{"example.com/api/x/{id}", "/api/x/{id}", []string{"id"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			path, params := pathParams(tt.pattern)
			if path != tt.path || !reflect.DeepEqual(params, tt.params) {
				t.Errorf("got %q %q, want %q %q", path, params, tt.path, tt.params)
			}
		})
	}
}

func TestOperationIDs(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
		want   []string
	}{
		{"prefix dropped", []Route{
			{Method: "GET", Path: "/api/v1/shops/{id}/products"},
			{Method: "DELETE", Path: "/api/v1/sessions/current"},
			{Method: "GET", Path: "/api/openapi.json"},
			{Method: "GET", Path: "/healthz"},
			{Method: "GET", Path: "/api/v1/stock-adjustments"},
		}, []string{"getShopsByIdProducts", "deleteSessionsCurrent", "getOpenapiJson", "getHealthz", "getStockAdjustments"}},
		{"prefix kept where it tells two apart", []Route{
			{Method: "GET", Path: "/api/v1/shops"},
			{Method: "GET", Path: "/api/v2/shops"},
			{Method: "GET", Path: "/api/v1/products"},
		}, []string{"getApiV1Shops", "getApiV2Shops", "getProducts"}},
		{"numbered when nothing else does", []Route{
			{Method: "GET", Path: "/api/v1/a-b"},
			{Method: "GET", Path: "/api/v1/a_b"},
		}, []string{"getApiV1AB", "getApiV1AB_2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, operationIDs(tt.routes)); diff != "" {
				t.Errorf("operation IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSchemaOfSpecialTypes(t *testing.T) {
	type event struct {
		At      time.Time  `json:"at"`
		Seen    *time.Time `json:"seen,omitempty"`
		Took    jsonDur    `json:"took"`
		Address textAddr   `json:"address"`
	}
	set, err := newSchemaSet([]reflect.Type{reflect.TypeFor[event]()})
	if err != nil {
		t.Fatal(err)
	}
	props := set.schemas["event"].Properties
	for field, want := range map[string]string{"at": "string/date-time", "seen": "string/date-time", "took": "/", "address": "string/"} {
		p, _ := props.Get(field)
		if p == nil || p.Type+"/"+p.Format != want {
			t.Errorf("%s: got %+v, want %s", field, p, want)
		}
	}
	if len(set.schemas) != 1 {
		t.Errorf("components %v: types that encode themselves need none", set.names)
	}
}

type jsonDur struct{ d time.Duration }

func (d jsonDur) MarshalJSON() ([]byte, error) { return []byte(`"1s"`), nil }

type textAddr struct{ host string }

func (a *textAddr) MarshalText() ([]byte, error) { return []byte(a.host), nil }

func TestOpenAPIBuildError(t *testing.T) {
	_, err := buildOpenAPI([]Route{{Method: "GET", Path: "/x", Response: make(chan int)}})
	if err == nil {
		t.Fatal("a route answering a channel was documented")
	}
}

package server

import "net/http"

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	return JSON(w, http.StatusOK, s.OpenAPI())
}

// OpenAPI returns the OpenAPI 3.1 document of the registered routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[lower(rt.Method)] = map[string]any{"summary": rt.Summary}
	}
	return map[string]any{"openapi": "3.1.0", "info": map[string]any{"title": "loopshop", "version": "v1"}, "paths": paths}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

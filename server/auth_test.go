package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
)

// who is what the test routes answer: the actor the server attached.
type who struct {
	AccountID string `json:"account_id"`
	Session   string `json:"session"`
}

func whoami(w http.ResponseWriter, r *http.Request) error {
	var v who
	if a := server.Actor(r); a != nil {
		v = who{AccountID: a.AccountID, Session: a.Session}
	}
	return server.JSON(w, http.StatusOK, v)
}

// These tests exercise the middleware, not storage, so SQLite suffices.
func TestAuthentication(t *testing.T) {
	st := newStack(t, sqlstore.SQLite,
		server.Route{Method: "GET", Path: "/api/test/private", Summary: "Private.", Auth: server.Required, Response: who{}, Handler: whoami},
		server.Route{Method: "GET", Path: "/api/test/public", Summary: "Public.", Response: who{}, Handler: whoami},
	)
	token, acc := st.signIn(t, "ada@example.com", identity.SessionAPI)
	cookie, cookieAcc := st.signIn(t, "grace@example.com", identity.SessionWeb)
	signedOut, _ := st.signIn(t, "alan@example.com", identity.SessionAPI)
	if err := st.ids.Logout(context.Background(), signedOut); err != nil {
		t.Fatal(err)
	}
	// Well-formed, of a real market, but never issued.
	unknown := "ses_gb_" + strings.Repeat("0", 26)

	tests := []struct {
		name    string
		path    string
		auth    string // Authorization header
		cookie  string
		status  int
		account string // the actor the handler sees; "" anonymous
		session string
	}{
		{"no credentials on a private route", "/api/test/private", "", "", http.StatusUnauthorized, "", ""},
		{"basic auth", "/api/test/private", "Basic YWRhOnB3", "", http.StatusUnauthorized, "", ""},
		{"empty bearer", "/api/test/private", "Bearer ", "", http.StatusUnauthorized, "", ""},
		{"malformed token", "/api/test/private", "Bearer not-a-token", "", http.StatusUnauthorized, "", ""},
		{"unknown token", "/api/test/private", "Bearer " + unknown, "", http.StatusUnauthorized, "", ""},
		{"signed-out token", "/api/test/private", "Bearer " + signedOut, "", http.StatusUnauthorized, "", ""},
		{"valid token", "/api/test/private", "Bearer " + token, "", http.StatusOK, acc.ID, identity.SessionAPI},
		{"valid cookie", "/api/test/private", "", cookie, http.StatusOK, cookieAcc.ID, identity.SessionWeb},
		{"public route, anonymous", "/api/test/public", "", "", http.StatusOK, "", ""},
		{"public route, valid token", "/api/test/public", "Bearer " + token, "", http.StatusOK, acc.ID, identity.SessionAPI},
		// A client that sends a token meant to sign in: say it failed.
		{"public route, bad token", "/api/test/public", "Bearer " + unknown, "", http.StatusUnauthorized, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.cookie != "" {
				req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: tt.cookie})
			}
			resp := serve(st.srv, req)
			if tt.status == http.StatusUnauthorized {
				if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate %q, want the Bearer scheme", got)
				}
				problem(t, resp, http.StatusUnauthorized, loopshop.EUNAUTHORIZED)
				return
			}
			var got who
			if err := json.Unmarshal(body(t, resp), &got); err != nil || resp.StatusCode != tt.status {
				t.Fatalf("status %d (want %d), err %v", resp.StatusCode, tt.status, err)
			}
			if got.AccountID != tt.account || got.Session != tt.session {
				t.Errorf("actor %+v, want account %q session %q", got, tt.account, tt.session)
			}
		})
	}

	t.Run("stale cookie is dropped and the request goes on anonymously", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/test/public", nil)
		req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: unknown})
		resp := serve(st.srv, req)
		var got who
		if err := json.Unmarshal(body(t, resp), &got); err != nil || resp.StatusCode != http.StatusOK || got.AccountID != "" {
			t.Fatalf("status %d actor %+v err %v, want 200 anonymous", resp.StatusCode, got, err)
		}
		cleared := false
		for _, c := range resp.Cookies() {
			cleared = cleared || c.Name == server.SessionCookie && c.MaxAge < 0
		}
		if !cleared {
			t.Errorf("the stale cookie was not cleared: Set-Cookie %q", resp.Header.Values("Set-Cookie"))
		}
	})
}

func TestCrossSiteRequests(t *testing.T) {
	noContent := func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	st := newStack(t, sqlstore.SQLite,
		server.Route{Method: "POST", Path: "/api/test/follow", Summary: "Follow.", Auth: server.Required, Status: http.StatusNoContent, Handler: noContent},
		server.Route{Method: "GET", Path: "/api/test/private", Summary: "Private.", Auth: server.Required, Response: who{}, Handler: whoami},
	)
	cookie, _ := st.signIn(t, "ada@example.com", identity.SessionWeb)
	token, _ := st.signIn(t, "grace@example.com", identity.SessionAPI)

	// httptest requests are for Host example.com; the default public URL
	// http://localhost:8080 is trusted as well.
	tests := []struct {
		name    string
		method  string
		path    string
		bearer  bool
		headers map[string]string
		status  int
	}{
		{"cookie, cross-site fetch", "POST", "/api/test/follow", false, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cookie, same-site but other origin", "POST", "/api/test/follow", false, map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"cookie, Origin of another site", "POST", "/api/test/follow", false, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"cookie, same origin", "POST", "/api/test/follow", false, map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusNoContent},
		{"cookie, Origin of this host", "POST", "/api/test/follow", false, map[string]string{"Origin": "http://example.com"}, http.StatusNoContent},
		{"cookie, Origin of the public URL", "POST", "/api/test/follow", false, map[string]string{"Origin": "http://localhost:8080"}, http.StatusNoContent},
		{"cookie, typed in the address bar", "POST", "/api/test/follow", false, map[string]string{"Sec-Fetch-Site": "none"}, http.StatusNoContent},
		{"cookie, API client without browser headers", "POST", "/api/test/follow", false, nil, http.StatusNoContent},
		{"bearer, API client without browser headers", "POST", "/api/test/follow", true, nil, http.StatusNoContent},
		{"cookie, cross-site read is safe", "GET", "/api/test/private", false, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.bearer {
				req.Header.Set("Authorization", "Bearer "+token)
			} else {
				req.AddCookie(&http.Cookie{Name: server.SessionCookie, Value: cookie})
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp := serve(st.srv, req)
			if tt.status == http.StatusForbidden {
				problem(t, resp, http.StatusForbidden, loopshop.EFORBIDDEN)
				return
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body(t, resp))
			}
		})
	}
}

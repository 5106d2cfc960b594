package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/fetch"
	"github.com/loopshop/loopshop/media"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		// Public.
		{"8.8.8.8", true},
		{"151.101.2.133", true}, // a CDN
		{"172.32.0.1", true},    // just past 172.16.0.0/12
		{"100.128.0.1", true},   // just past 100.64.0.0/10
		{"2606:4700:4700::1111", true},
		{"::ffff:8.8.8.8", true},
		// This host.
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::1", false},
		{"::", false},
		// Private networks.
		{"10.0.0.1", false},
		{"10.255.255.255", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"100.64.0.1", false},
		{"fd00::1", false},
		{"fc00::1", false},
		{"fd00:ec2::254", false}, // AWS's IPv6 metadata service
		// Link-local, cloud metadata.
		{"169.254.169.254", false},
		{"169.254.0.1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		// IPv4 dressed as IPv6.
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"::127.0.0.1", false},        // IPv4-compatible, deprecated
		{"64:ff9b::a9fe:a9fe", false}, // NAT64 of 169.254.169.254
		{"2002:a9fe:a9fe::1", false},  // 6to4 of 169.254.169.254
		{"2001:0:a9fe:a9fe::1", false},
		// Multicast, broadcast, reserved, documentation.
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"255.255.255.255", false},
		{"240.0.0.1", false},
		{"ff02::1", false},
		{"192.0.2.1", false},
		{"198.51.100.1", false},
		{"203.0.113.1", false},
		{"198.18.0.1", false},
		{"2001:db8::1", false},
		{"fec0::1", false},
		{"100::1", false},
	}
	for _, tt := range tests {
		if got := fetch.Public(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	if fetch.Public(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

func pngBytes(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// server is a test server on 127.0.0.1 counting the requests it gets.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// loopback fetches from the test servers on 127.0.0.1 and nothing else
// that is not public.
func loopback(opt fetch.Options) *fetch.Fetcher {
	opt.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	return fetch.New(opt)
}

func TestImage(t *testing.T) {
	img := pngBytes(t)
	var ua atomic.Value
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/lying.png", http.StatusFound)
			return
		}
		// The header lies; the bytes are what count.
		w.Header().Set("Content-Type", "text/html")
		w.Write(img)
	})
	got, err := loopback(fetch.Options{}).Image(context.Background(), s.URL+"/moved")
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentType != media.PNG || !bytes.Equal(got.Data, img) || got.URL != s.URL+"/lying.png" {
		t.Errorf("got %s, %d bytes from %s; want the %d bytes of the PNG from %s", got.ContentType, len(got.Data), got.URL, len(img), s.URL+"/lying.png")
	}
	if ua, _ := ua.Load().(string); !strings.Contains(ua, "loopshop") {
		t.Errorf("User-Agent %q does not name loopshop", ua)
	}
}

// TestRefusesNonPublic fetches with the default options: nothing but the
// public internet.
func TestRefusesNonPublic(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(pngBytes(t)) })
	port := s.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	f := fetch.New(fetch.Options{})
	for _, u := range []string{
		s.URL + "/a.png",
		fmt.Sprintf("http://localhost:%d/a.png", port), // a name, refused once resolved
		fmt.Sprintf("http://0.0.0.0:%d/a.png", port),
		fmt.Sprintf("http://[::1]:%d/a.png", port),
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/a.png", port),
		"http://10.0.0.1/a.png",
		"http://192.168.0.1/a.png",
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"https://[fd00:ec2::254]/latest/meta-data/",
		"http://[fe80::1%25lo]/a.png",
	} {
		t.Run(u, func(t *testing.T) {
			_, err := f.Image(context.Background(), u)
			if !errors.Is(err, fetch.ErrNotPublic) || !fetch.Permanent(err) {
				t.Errorf("err = %v, want a permanent ErrNotPublic", err)
			}
		})
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("the loopback server got %d requests", n)
	}
}

func TestRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"ftp://example.com/a.png", "file:///etc/passwd", "gopher://example.com/", "/a.png", "http:///a.png", "://x"} {
		_, err := fetch.New(fetch.Options{}).Image(context.Background(), u)
		if err == nil || !fetch.Permanent(err) {
			t.Errorf("%s: err = %v, want a permanent refusal", u, err)
		}
	}
}

func TestRedirects(t *testing.T) {
	img := pngBytes(t)
	var port uint16
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil {
			if n == 0 {
				w.Write(img)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, strings.ReplaceAll(to, "PORT", fmt.Sprint(port)), http.StatusFound)
			return
		}
		http.NotFound(w, r)
	})
	port = s.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	f := loopback(fetch.Options{})
	ctx := context.Background()

	if _, err := f.Image(ctx, s.URL+fmt.Sprintf("/hop/%d", fetch.MaxRedirects)); err != nil {
		t.Errorf("%d redirects: %v, want the image", fetch.MaxRedirects, err)
	}
	if _, err := f.Image(ctx, s.URL+fmt.Sprintf("/hop/%d", fetch.MaxRedirects+1)); !fetch.Permanent(err) {
		t.Errorf("%d redirects: err = %v, want a permanent refusal", fetch.MaxRedirects+1, err)
	}
	for _, to := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/a.png",
		"http://127.0.0.2:PORT/hop/0", // loopback, but not the allowed address
		"http://[::1]:PORT/hop/0",
	} {
		t.Run(to, func(t *testing.T) {
			before := s.hits.Load()
			_, err := f.Image(ctx, s.URL+"/?to="+url.QueryEscape(to))
			if !errors.Is(err, fetch.ErrNotPublic) || !fetch.Permanent(err) {
				t.Errorf("err = %v, want a permanent ErrNotPublic", err)
			}
			if n := s.hits.Load() - before; n != 1 {
				t.Errorf("the server got %d requests, want only the first", n)
			}
		})
	}
	if _, err := f.Image(ctx, s.URL+"/?to="+url.QueryEscape("file:///etc/passwd")); !fetch.Permanent(err) {
		t.Errorf("redirect to file: err = %v, want a permanent refusal", err)
	}
}

// padded is a PNG header followed by zeros, n bytes in all: an image as far
// as sniffing goes.
func padded(tb testing.TB, n int) []byte {
	b := pngBytes(tb)
	return append(b, make([]byte, n-len(b))...)
}

func TestSizeLimit(t *testing.T) {
	body := map[string][]byte{
		"/at":       padded(t, fetch.DefaultMaxBytes),
		"/over":     padded(t, fetch.DefaultMaxBytes+1),
		"/far-over": padded(t, 3*fetch.DefaultMaxBytes),
	}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, ok := body[strings.TrimSuffix(r.URL.Path, "/streamed")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/streamed") {
			// No Content-Length: the limit must hold while reading.
			w.Write(b[:100])
			w.(http.Flusher).Flush()
			b = b[100:]
		} else {
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		}
		w.Write(b)
	})
	f := loopback(fetch.Options{})
	for _, tt := range []struct {
		path         string
		wantTooLarge bool
	}{
		{"/at", false},
		{"/at/streamed", false},
		{"/over", true},
		{"/over/streamed", true},
		{"/far-over", true},
		{"/far-over/streamed", true},
	} {
		t.Run(tt.path, func(t *testing.T) {
			got, err := f.Image(context.Background(), s.URL+tt.path)
			if !tt.wantTooLarge {
				if err != nil || len(got.Data) != fetch.DefaultMaxBytes {
					t.Errorf("err = %v; want the %d bytes", err, fetch.DefaultMaxBytes)
				}
				return
			}
			if loopshop.ErrorCode(err) != loopshop.ETOOLARGE || !fetch.Permanent(err) {
				t.Errorf("err = %v, want a permanent ETOOLARGE", err)
			}
		})
	}
}

func TestAnswers(t *testing.T) {
	img := pngBytes(t)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Header().Set("Content-Type", "image/png") // lying the other way
			w.Write([]byte("<!DOCTYPE html><html><body>Not found</body></html>"))
		case "/svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		case "/empty":
		case "/cut", "/cut-at-once":
			// Promise the whole image, send part of it, hang up.
			w.Header().Set("Content-Length", fmt.Sprint(len(img)))
			if r.URL.Path == "/cut" {
				w.Write(img[:len(img)/2])
			}
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			var code int
			fmt.Sscanf(r.URL.Path, "/status/%d", &code)
			w.WriteHeader(code)
			w.Write(img)
		}
	})
	f := loopback(fetch.Options{})
	for _, tt := range []struct {
		path          string
		wantPermanent bool
	}{
		{"/html", true},
		{"/svg", true},
		{"/empty", true},
		{"/status/404", true},
		{"/status/410", true},
		{"/status/403", true},
		{"/status/500", false},
		{"/status/502", false},
		{"/status/503", false},
		{"/status/429", false},
		{"/cut", false},
		{"/cut-at-once", false},
	} {
		t.Run(tt.path, func(t *testing.T) {
			_, err := f.Image(context.Background(), s.URL+tt.path)
			if err == nil {
				t.Fatal("fetched")
			}
			var fe *fetch.Error
			if !errors.As(err, &fe) {
				t.Errorf("err = %T %v, want a *fetch.Error", err, err)
			}
			if got := fetch.Permanent(err); got != tt.wantPermanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, got, tt.wantPermanent)
			}
		})
	}
}

// Package fetch downloads images from URLs that users supply — the image
// addresses of an imported Shopify CSV, say — without letting those URLs
// reach anything but the public internet.
//
// A server that fetches whatever URL it is given can be aimed at itself:
// this is server-side request forgery (SSRF). "http://169.254.169.254/…"
// reads the cloud provider's metadata service and its credentials,
// "http://10.0.0.5:5432/" probes the private network, "http://localhost/"
// reaches admin ports bound to loopback. Fetcher refuses every address that
// is not public (see Public) and only speaks HTTP and HTTPS.
//
// The check is made on the address actually dialled, in the dialer's
// Control hook, not on the host name beforehand. Checking the name first
// and connecting afterwards leaves a gap: the name is resolved again to
// connect, and a hostile DNS server can answer a public address to the
// check and a private one to the connection (DNS rebinding). Names that
// spell a private address in an odd way ("2130706433", "0x7f.1"), and
// redirects to private addresses, are caught by the same hook, since every
// connection — each redirect's too — passes through it. No proxy is used:
// with one, the dialled address would be the proxy's.
//
// What comes back must be an image of a kind loopshop keeps, judged from
// its bytes by media.Accept rather than from the Content-Type header, and
// no larger than a limit, counted while reading so that a server cannot
// make loopshop hold more than that in memory.
package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/media"
)

// Defaults for Options.
const (
	DefaultTimeout   = 15 * time.Second
	DefaultMaxBytes  = 10 << 20
	DefaultUserAgent = "loopshop-image-fetcher/1 (+https://github.com/loopshop/loopshop)"
	// MaxRedirects is how many redirects a fetch follows.
	MaxRedirects = 3
)

// Options tune a Fetcher. The zero value is the safe default.
type Options struct {
	// Allow lists addresses that may be fetched although they are not
	// public: loopback for tests, or an image host on the deployment's own
	// network. Empty, the default, allows public addresses only.
	Allow []netip.Prefix
	// Timeout bounds a whole fetch, redirects and body included
	// (default 15 s).
	Timeout time.Duration
	// MaxBytes is the largest image accepted (default 10 MiB).
	MaxBytes int64
	// UserAgent names loopshop to the servers it fetches from, so their
	// operators can tell what is calling.
	UserAgent string
}

// Fetcher downloads images from user-supplied URLs. It is safe for
// concurrent use.
type Fetcher struct {
	client    *http.Client
	allow     []netip.Prefix
	maxBytes  int64
	userAgent string
}

// New returns a Fetcher with the given options.
func New(opt Options) *Fetcher {
	f := &Fetcher{allow: opt.Allow, maxBytes: opt.MaxBytes, userAgent: opt.UserAgent}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxBytes
	}
	if f.userAgent == "" {
		f.userAgent = DefaultUserAgent
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, Control: f.control}
	f.client = &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                  nil, // see the package comment
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    timeout,
			ResponseHeaderTimeout:  timeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           16,
			MaxIdleConnsPerHost:    4,
			IdleConnTimeout:        90 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("%w: more than %d", errRedirect, MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: to a %s: URL; only http and https are fetched", errRedirect, req.URL.Scheme)
			}
			return nil
		},
	}
	return f
}

// ErrNotPublic is the refusal of an address that is not public.
var ErrNotPublic = errors.New("the address is not on the public internet")

// errRedirect is the refusal of a redirect.
var errRedirect = errors.New("redirect refused")

// control runs just before each connection, with the address about to be
// dialled: the one place where the check cannot be raced.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read %q", ErrNotPublic, address) // fail closed
	}
	if !f.allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrNotPublic, ap.Addr())
	}
	return nil
}

func (f *Fetcher) allowed(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range f.allow {
		if p.Contains(a) {
			return true
		}
	}
	return Public(a)
}

// Image is a fetched image.
type Image struct {
	// URL is where the image was found, after redirects.
	URL string
	// ContentType is what the bytes are, one of media.Images().
	ContentType string
	Data        []byte
}

// Error is a fetch that failed.
type Error struct {
	URL string
	// Permanent says that trying again will not help: the URL or an
	// address it led to is refused, the server answered that there is no
	// such image (4xx), or what it sent is not an image or too large.
	// Timeouts, connection failures, 5xx and 429 answers may pass.
	Permanent bool
	Err       error
}

func (e *Error) Error() string { return "fetch " + e.URL + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether err is a fetch failure that trying again
// cannot fix.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// Image downloads the image at rawURL, an http or https URL. Failures are
// *Error.
func (f *Fetcher) Image(ctx context.Context, rawURL string) (*Image, error) {
	fail := func(permanent bool, err error) (*Image, error) {
		return nil, &Error{URL: rawURL, Permanent: permanent, Err: err}
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(true, errors.New("not an http or https URL"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fail(true, err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "image/png, image/jpeg, image/webp, image/gif")
	res, err := f.client.Do(req)
	if err != nil {
		return fail(permanentFailure(err), unwrapURLError(rawURL, err))
	}
	defer res.Body.Close()
	switch c := res.StatusCode; {
	case c >= 200 && c < 300:
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return fail(false, fmt.Errorf("the server answered %s", res.Status))
	default:
		return fail(true, fmt.Errorf("the server answered %s", res.Status))
	}
	if res.ContentLength > f.maxBytes {
		return fail(true, loopshop.Errorf(loopshop.ETOOLARGE, "the image is %d bytes; the limit is %d", res.ContentLength, f.maxBytes))
	}
	ct, body, err := media.Accept(truncation{res.Body}, f.maxBytes, media.Images()...)
	if err != nil {
		return fail(refused(err), err)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return fail(refused(err), err)
	}
	return &Image{URL: res.Request.URL.String(), ContentType: ct, Data: data}, nil
}

// errTruncated is a body that ended before its Content-Length.
var errTruncated = errors.New("the connection closed before the whole image came")

// truncation tells a body cut short from one that ended. A body shorter
// than its Content-Length reads io.ErrUnexpectedEOF, which media.Accept
// takes for the end of a short file; a network failure must not pass for
// a small image.
type truncation struct{ r io.Reader }

func (t truncation) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = errTruncated
	}
	return n, err
}

// refused reports whether media.Accept refused the body itself, rather
// than failed to read it.
func refused(err error) bool {
	c := loopshop.ErrorCode(err)
	return c == loopshop.EINVALID || c == loopshop.ETOOLARGE
}

// permanentFailure tells the failures of a request that no retry can fix
// from the ones that may pass: a network that fails now may work later.
func permanentFailure(err error) bool {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, ErrNotPublic), errors.Is(err, errRedirect), errors.As(err, &cert):
		return true
	case errors.As(err, &dns):
		return dns.IsNotFound // the name does not exist
	}
	return false
}

// unwrapURLError drops the *url.Error around a failed request, which would
// name the URL a second time, but keeps the address of a redirect.
func unwrapURLError(rawURL string, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if ue.URL != rawURL {
		return fmt.Errorf("redirected to %s: %w", ue.URL, ue.Err)
	}
	return ue.Err
}

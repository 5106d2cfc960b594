package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/idempotency"
	"github.com/loopshop/loopshop/identity"
)

// HandlerFunc is a handler that returns its error instead of writing it;
// the server writes it once, through Error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Auth says whether a route needs a signed-in actor.
type Auth int

const (
	Public   Auth = iota // anyone; an actor is attached if signed in
	Required             // 401 without a valid session
)

// Route is one endpoint: how it is served and how it is documented.
type Route struct {
	Method  string // GET, POST, …
	Path    string // a ServeMux path pattern: /api/v1/shops/{id}
	Summary string
	Tag     string
	Auth    Auth
	// Request and Response are zero values of the body types, for the
	// OpenAPI document; nil for none.
	Request  any
	Response any
	// Status is the success status (200 if zero).
	Status int
	// Query documents the query parameters: name → description.
	Query map[string]string
	// NoIdempotency marks an unsafe route that ignores Idempotency-Key,
	// with the reason in the summary (signing in creates a new session
	// every time, and that is what a retry wants).
	NoIdempotency bool
	// MaxBodyBytes raises (or lowers) the body limit for this route, for
	// uploads; zero: the configured default.
	MaxBodyBytes int64
	Handler      HandlerFunc
}

// Deps are what the server needs from the rest of the platform.
type Deps struct {
	Identity    *identity.Service
	Idempotency idempotency.Store
	// Ready reports whether every database answers, for /readyz.
	Ready  func(context.Context) error
	Logger *slog.Logger
}

// Server serves loopshop over HTTP.
type Server struct {
	cfg    *config.Config
	deps   Deps
	log    *slog.Logger
	mux    *http.ServeMux
	routes []Route
	// bodyLimits are the routes' own body limits, by mux pattern.
	bodyLimits map[string]int64
	pages      []string
	// notFound answers page paths nothing is registered for; nil: the mux.
	notFound http.Handler
	limiter  *limiter
	csrf     *http.CrossOriginProtection
	metrics  *metrics
	openapi  openapiDoc
	handler  http.Handler
	http     *http.Server
	ln       net.Listener
}

// New returns a server with the health, metrics and OpenAPI endpoints;
// capabilities add theirs with Handle and HandlePage.
func New(cfg *config.Config, deps Deps) *Server {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Logger, mux: http.NewServeMux(), metrics: newMetrics(), bodyLimits: map[string]int64{}}
	if cfg.Limits.RatePerSecond > 0 {
		s.limiter = newLimiter(cfg.Limits.RatePerSecond, cfg.Limits.RateBurst)
	}
	s.csrf = http.NewCrossOriginProtection()
	if cfg.PublicURL != "" {
		// Behind a proxy the Origin is the public address; trust it too.
		_ = s.csrf.AddTrustedOrigin(strings.TrimSuffix(cfg.PublicURL, "/"))
	}
	s.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, loopshop.Errorf(loopshop.EFORBIDDEN, "cross-site request refused: this form or request came from another site. Reload the page on %s and try again", cfg.PublicURL))
	}))

	s.Handle(Route{Method: "GET", Path: "/healthz", Summary: "Liveness: the process answers.", Tag: "operations", Response: Status{}, Handler: s.handleHealthz})
	s.Handle(Route{Method: "GET", Path: "/readyz", Summary: "Readiness: every region database and the directory answer.", Tag: "operations", Response: Status{}, Handler: s.handleReadyz})
	s.Handle(Route{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics in the text exposition format.", Tag: "operations", Handler: s.handleMetrics})
	s.Handle(Route{Method: "GET", Path: "/api/openapi.json", Summary: "This OpenAPI 3.1 document.", Tag: "operations", Handler: s.handleOpenAPI})
	s.handler = s.middleware(http.HandlerFunc(s.route))
	return s
}

// Handle registers a documented route.
func (s *Server) Handle(rt Route) {
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	for _, r := range s.routes {
		if r.Method == rt.Method && r.Path == rt.Path {
			panic("server: route registered twice: " + rt.Method + " " + rt.Path)
		}
	}
	s.routes = append(s.routes, rt)
	if rt.MaxBodyBytes > 0 {
		s.bodyLimits[rt.Method+" "+rt.Path] = rt.MaxBodyBytes
	}
	s.mux.Handle(rt.Method+" "+rt.Path, s.metrics.instrument(rt.Method+" "+rt.Path, s.adapt(rt)))
}

// HandlePage registers a web page or asset: HTML for people, not part of
// the API document. Errors are rendered by the handler itself.
func (s *Server) HandlePage(pattern string, h http.Handler) {
	s.pages = append(s.pages, pattern)
	s.mux.Handle(pattern, s.metrics.instrument(pattern, h))
}

// HandlePageLimit is HandlePage for a page that takes uploads: it sets the
// page's own body limit.
func (s *Server) HandlePageLimit(pattern string, limit int64, h http.Handler) {
	s.bodyLimits[pattern] = limit
	s.HandlePage(pattern, h)
}

// NotFoundPage sets what answers a path outside /api/ that nothing is
// registered for (or a method its pattern does not take): the web UI's
// styled page rather than the mux's plain text.
func (s *Server) NotFoundPage(h http.Handler) { s.notFound = h }

// Routes returns the documented routes.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// Handler returns the server's whole HTTP handler, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// adapt turns a Route into an http.Handler: it enforces the route's auth,
// applies idempotency keys to unsafe methods, and writes returned errors.
func (s *Server) adapt(rt Route) http.Handler {
	unsafe := rt.Method != http.MethodGet && rt.Method != http.MethodHead && rt.Method != http.MethodOptions
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Auth == Required && Actor(r) == nil {
			Error(w, r, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in first: send Authorization: Bearer <token> from POST /api/v1/sessions"))
			return
		}
		var err error
		if unsafe && !rt.NoIdempotency && r.Header.Get("Idempotency-Key") != "" && Actor(r) != nil {
			err = s.idempotent(w, r, rt.Handler)
		} else {
			err = rt.Handler(w, r)
		}
		if err != nil {
			Error(w, r, err)
		}
	})
}

// route dispatches to the mux, answering unknown API paths and wrong
// methods with problem documents rather than the mux's plain text.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	if pattern == "" && strings.HasPrefix(r.URL.Path, "/api/") {
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := s.mux.Handler(probe); p != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			Error(w, r, loopshop.Errorf(loopshop.ENOTALLOWED, "%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or ")))
			return
		}
		Error(w, r, loopshop.Errorf(loopshop.ENOTFOUND, "no endpoint %s %s; the list of endpoints is at /api/openapi.json", r.Method, r.URL.Path))
		return
	}
	if pattern == "" && s.notFound != nil {
		s.notFound.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// SessionCookie is the web session's cookie name.
const SessionCookie = "loopshop_session"

// middleware wraps every request, outermost first: request ID and logger,
// access log, panic recovery, rate limit, body limit, authentication, CSRF.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !requestIDRE.MatchString(id) {
			id = loopshop.RandomToken(10)
		}
		w.Header().Set("X-Request-Id", id)
		log := s.log.With(slog.String("request_id", id))
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, log)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(ctx, "panic", slog.Any("panic", p))
				if sw.status == 0 {
					Error(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			attrs := []any{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.code()),
				slog.Duration("duration", time.Since(start)), slog.Int64("bytes", sw.bytes)}
			if a := Actor(r); a != nil {
				attrs = append(attrs, slog.String("actor", a.AccountID))
			}
			log.InfoContext(ctx, "request", attrs...)
		}()

		if s.limiter != nil {
			if ok, wait := s.limiter.allow(clientKeys(r), start); !ok {
				secs := int(wait/time.Second) + 1
				sw.Header().Set("Retry-After", strconv.Itoa(secs))
				Error(sw, r, loopshop.Errorf(loopshop.ERATELIMIT, "too many requests from this client; retry in %d s", secs))
				return
			}
		}
		limit := s.cfg.Limits.MaxBodyBytes
		if _, pattern := s.mux.Handler(r); pattern != "" {
			if l, ok := s.bodyLimits[pattern]; ok {
				limit = l
			}
		}
		r.Body = http.MaxBytesReader(sw, r.Body, limit)
		if r.ContentLength > limit {
			Error(sw, r, loopshop.Errorf(loopshop.ETOOLARGE, "the body is %d bytes, over the limit of %d", r.ContentLength, limit))
			return
		}
		r, err := s.authenticate(sw, r)
		if err != nil {
			Error(sw, r, err)
			return
		}
		// Browsers send Sec-Fetch-Site or Origin: a cross-site unsafe
		// request is refused, which is what stops CSRF against the
		// cookie session. API clients send neither and pass.
		s.csrf.Handler(next).ServeHTTP(sw, r)
	})
}

// clientKeys name the buckets a request counts against: always its
// address, so that rotating made-up tokens gains nothing, and also its
// bearer token, so that one token spread over many addresses is limited too.
func clientKeys(r *http.Request) []string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	keys := []string{"a:" + host}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok != "" && len(tok) < 128 {
		keys = append(keys, "t:"+tok)
	}
	return keys
}

// authenticate attaches the actor of a bearer token or session cookie. A
// bad bearer token is an error (the client meant to sign in); a stale
// cookie is dropped and the request goes on anonymously.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return r, loopshop.Errorf(loopshop.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\"")
		}
		a, err := s.deps.Identity.Authenticate(r.Context(), tok)
		if err != nil {
			return r, err
		}
		a.Session = identity.SessionAPI
		return withActor(r, a, tok), nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return r, nil
	}
	a, err := s.deps.Identity.Authenticate(r.Context(), c.Value)
	if loopshop.ErrorCode(err) == loopshop.EUNAUTHORIZED {
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return r, nil
	}
	if err != nil {
		return r, err
	}
	a.Session = identity.SessionWeb
	return withActor(r, a, c.Value), nil
}

func withActor(r *http.Request, a *identity.Actor, token string) *http.Request {
	ctx := context.WithValue(r.Context(), actorKey, a)
	ctx = context.WithValue(ctx, sessionTokenKey, token)
	return r.WithContext(ctx)
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Status is the body of the health endpoints.
type Status struct {
	Status string `json:"status"`
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	return JSON(w, http.StatusOK, Status{Status: "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Ready != nil {
		if err := s.deps.Ready(r.Context()); err != nil {
			logger(r).WarnContext(r.Context(), "not ready", slog.String("error", err.Error()))
			return loopshop.Errorf(loopshop.EUNAVAILABLE, "not ready: a database does not answer; see the server log")
		}
	}
	return JSON(w, http.StatusOK, Status{Status: "ready"})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// Listen opens the listening socket; Addr then reports the address (useful
// with port 0).
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.cfg.Addr
	}
	return s.ln.Addr().String()
}

// Serve serves on the listener opened by Listen until Shutdown.
func (s *Server) Serve() error {
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.http == nil {
		if s.ln != nil {
			return s.ln.Close()
		}
		return nil
	}
	return s.http.Shutdown(ctx)
}

// metrics are the server's Prometheus collectors, in a registry of its own
// so that several servers can run in one test process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loopshop_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "loopshop_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	dur := m.duration.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		dur.Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code())).Inc()
	})
}

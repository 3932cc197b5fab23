// Package api is the compute API of the example service: a versions
// document at /, and /v2.1/flavors and /v2.1/servers with OpenStack's
// conventions (microversions, limit/marker pagination with links,
// OpenStack-shaped JSON errors). It is a plain http.Handler, registered in
// api-paste.ini as the innermost app of the pipeline.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/reqctx"
)

// Store persists the resources. Every call is one transaction: when it
// returns without error, what it wrote is committed.
type Store interface {
	ListFlavors(ctx context.Context, q Query) ([]*objects.Object, error)
	GetFlavor(ctx context.Context, id int64) (*objects.Object, error)
	CreateFlavor(ctx context.Context, f *objects.Object) error
	UpdateFlavor(ctx context.Context, f *objects.Object) error
	DeleteFlavor(ctx context.Context, id int64) error

	ListServers(ctx context.Context, q Query) ([]*objects.Object, error)
	GetServer(ctx context.Context, project, uuid string) (*objects.Object, error)
	CreateServer(ctx context.Context, s *objects.Object) error
	UpdateServer(ctx context.Context, s *objects.Object) error
	DeleteServer(ctx context.Context, project, uuid string) error
}

// Query selects a page of a list.
type Query struct {
	Project string // "" means every project (admin)
	Limit   int    // at most this many; 0 means MaxLimit
	Marker  string // the id of the last item of the previous page
	Filters map[string]string
}

// Store errors the API turns into status codes.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// MaxLimit caps a page (nova's [api] max_limit).
const MaxLimit = 1000

// API is the compute API.
type API struct {
	store Store
	log   *slog.Logger
	// mux has the routes and, under "/", unrouted for every request no
	// route takes; routes has the routes alone, and answers those
	// requests 404 or 405 (with Allow) as net/http does. A request is
	// routed once.
	mux, routes *http.ServeMux

	versionDocs    versionDocs
	versionHeaders map[Version]versionHeaders
}

// New returns the API over store; log nil means slog.Default().
func New(store Store, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	a := &API{store: store, log: log.With("logger", "compute.api"), mux: http.NewServeMux(), routes: http.NewServeMux(),
		versionHeaders: newVersionHeaders()}
	route := func(pattern string, h http.Handler) {
		a.mux.Handle(pattern, h)
		a.routes.Handle(pattern, h)
	}
	route("GET /{$}", http.HandlerFunc(a.versions))
	route("GET /v2.1", http.HandlerFunc(a.version))
	route("GET /v2.1/{$}", http.HandlerFunc(a.version))
	route("GET /v2.1/flavors", a.v(a.listFlavors(false)))
	route("GET /v2.1/flavors/detail", a.v(a.listFlavors(true)))
	route("POST /v2.1/flavors", a.v(a.createFlavor))
	route("GET /v2.1/flavors/{id}", a.v(a.showFlavor))
	route("PUT /v2.1/flavors/{id}", a.v(a.updateFlavor))
	route("DELETE /v2.1/flavors/{id}", a.v(a.deleteFlavor))
	route("GET /v2.1/servers", a.v(a.listServers(false)))
	route("GET /v2.1/servers/detail", a.v(a.listServers(true)))
	route("POST /v2.1/servers", a.v(a.createServer))
	route("GET /v2.1/servers/{id}", a.v(a.showServer))
	route("PUT /v2.1/servers/{id}", a.v(a.updateServer))
	route("DELETE /v2.1/servers/{id}", a.v(a.deleteServer))
	a.mux.HandleFunc("/", a.unrouted)
	return a
}

// ServeHTTP implements http.Handler. A path no route matches gets an
// OpenStack-shaped 404, a path that matches a route with another method
// an OpenStack-shaped 405.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// net/http redirects a path with "." or ".." segments or double
	// slashes to its clean form, with an HTML body and a Location that
	// knows nothing of a proxy's prefix: such a path names no resource.
	if p := r.URL.Path; p != "/" && cleanPath(p) != p {
		fault(w, http.StatusNotFound, "The resource could not be found.")
		return
	}
	a.mux.ServeHTTP(w, r)
}

// unrouted answers a request no route takes: net/http's 404, or 405
// with an Allow header for a known path with the wrong method, with
// OpenStack's body instead of its plain text.
func (a *API) unrouted(w http.ResponseWriter, r *http.Request) {
	a.routes.ServeHTTP(&faultWriter{ResponseWriter: w}, r)
}

// cleanPath is path.Clean keeping a trailing slash, as net/http's mux
// cleans paths.
func cleanPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// faultWriter turns the mux's plain-text 404 and 405 into OpenStack
// faults.
type faultWriter struct {
	http.ResponseWriter
	replaced bool
}

func (f *faultWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		f.replaced = true
		fault(f.ResponseWriter, code, "The resource could not be found.")
	case http.StatusMethodNotAllowed:
		f.replaced = true
		fault(f.ResponseWriter, code, "Method not allowed.")
	default:
		f.ResponseWriter.WriteHeader(code)
	}
}

func (f *faultWriter) Write(b []byte) (int, error) {
	if f.replaced {
		return len(b), nil
	}
	return f.ResponseWriter.Write(b)
}

// faultNames are nova's fault names by status code.
var faultNames = map[int]string{
	400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound",
	405: "badMethod", 409: "conflictingRequest", 413: "overLimit", 415: "badMediaType",
	429: "overLimit", 501: "notImplemented", 503: "serviceUnavailable",
}

// fault writes an OpenStack error body: {"itemNotFound": {"code": 404,
// "message": "..."}}.
func fault(w http.ResponseWriter, code int, msg string) {
	name := faultNames[code]
	if name == "" {
		name = "computeFault"
	}
	writeJSON(w, code, map[string]any{name: map[string]any{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		code, body = http.StatusInternalServerError, []byte(`{"computeFault": {"code": 500, "message": "Unexpected API Error."}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// storeError maps a store error to a fault; others are 500 with nothing
// leaked, logged with the request id.
func (a *API) storeError(w http.ResponseWriter, r *http.Request, err error, what string) {
	switch {
	case errors.Is(err, ErrNotFound):
		fault(w, http.StatusNotFound, what+" could not be found.")
	case errors.Is(err, ErrConflict):
		fault(w, http.StatusConflict, "The request conflicts with the current state of "+what+"; retry.")
	case errors.Is(err, context.Canceled):
		// The client went away.
	default:
		a.log.ErrorContext(r.Context(), "store failure", "err", err)
		fault(w, http.StatusInternalServerError, "Unexpected API Error. Please report this at your cloud's support and attach the request id if possible.")
	}
}

// maxBody is the largest request body the API reads (the sizelimit filter
// in front of it normally refuses bigger ones first).
const maxBody = 1 << 20

// decode reads a JSON body {"key": {...}} and returns the inner object.
func decode(w http.ResponseWriter, r *http.Request, key string) (map[string]any, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		fault(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported Content-Type %q", ct))
		return nil, false
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		fault(w, http.StatusBadRequest, "Malformed request body: "+err.Error())
		return nil, false
	}
	if len(data) > maxBody {
		fault(w, http.StatusRequestEntityTooLarge, "Request is too large.")
		return nil, false
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		fault(w, http.StatusBadRequest, "Malformed request body")
		return nil, false
	}
	inner, ok := doc[key].(map[string]any)
	if !ok {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute %s. Value: %v. %q is a required property", key, doc[key], key))
		return nil, false
	}
	return inner, true
}

// onlyKeys refuses a body key that is not allowed, as nova's JSON schemas
// (additionalProperties: false) do.
func onlyKeys(w http.ResponseWriter, body map[string]any, allowed ...string) bool {
	for k := range body {
		if !slices.Contains(allowed, k) {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Additional properties are not allowed ('%s' was unexpected)", k))
			return false
		}
	}
	return true
}

// printable reports whether s has no control characters (newlines and
// tabs are allowed when multiline): nova's name and description patterns
// allow printable characters only, and PostgreSQL refuses NUL in text.
func printable(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return false
		}
	}
	return true
}

// requestContext returns the request's context, or a member context when
// no filter set one.
func requestContext(r *http.Request) *reqctx.RequestContext {
	if rc := reqctx.From(r.Context()); rc != nil {
		return rc
	}
	return reqctx.New()
}

// page reads limit and marker from the query string.
func page(w http.ResponseWriter, r *http.Request) (Query, bool) {
	q := Query{Limit: MaxLimit}
	v := r.URL.Query()
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for query parameters limit. Value: %s. %q is not a valid non-negative integer", s, s))
			return q, false
		}
		if n > 0 && n < MaxLimit { // 0 is the maximum, as in nova
			q.Limit = n
		}
	}
	q.Marker = v.Get("marker")
	return q, true
}

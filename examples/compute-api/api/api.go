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
	"net/url"
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
	// Fields are the fields the caller reads; the store may leave the
	// others unset. nil: every field.
	Fields []string
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
	writeBody(w, code, body)
}

// writeBody writes a JSON body.
func writeBody(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// appendJSONString appends s as a JSON string, exactly as json.Marshal
// writes it: ASCII is escaped here as it escapes it (HTML's <, > and &
// too); a string with other characters is left to json.Marshal (U+2028,
// U+2029 and invalid UTF-8 have rules of their own).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONJoin is appendJSONString(b, x+sep+y) for a plain sep,
// without building the string when x and y are plain too.
func appendJSONJoin(b []byte, x, sep, y string) []byte {
	if !plainJSON(x) || !plainJSON(y) {
		return appendJSONString(b, x+sep+y)
	}
	b = append(b, '"')
	b = append(b, x...)
	b = append(b, sep...)
	b = append(b, y...)
	return append(b, '"')
}

// plainJSON reports whether json.Marshal writes s as it is, in quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
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
	return pageOf(w, r.URL.Query())
}

// pageOf is page on the parsed query string.
func pageOf(w http.ResponseWriter, v url.Values) (Query, bool) {
	q := Query{Limit: MaxLimit}
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

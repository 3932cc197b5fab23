package middleware_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/reqctx"
)

// The filters as plain net/http middleware around an API: the request
// id is in the response and in the request's context.
func Example() {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := reqctx.From(r.Context())
		fmt.Println("handler sees the id:", strings.HasPrefix(rc.RequestID, "req-"))
		if r.URL.Path == "/boom" {
			panic("database connection lost")
		}
		fmt.Fprintln(w, "servers")
	})
	h := middleware.RequestID(middleware.SizeLimit(114688)(middleware.CatchErrors(api)))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/servers", nil))
	fmt.Println(rec.Code, rec.Header().Get("X-OpenStack-Request-ID") != "")

	// A panic becomes oslo's 500 page, nothing of the panic in it.
	rec = httptest.NewRecorder()
	discardLogs(func() { h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil)) })
	fmt.Println(rec.Code)
	fmt.Print(rec.Body.String())
	// Output:
	// handler sees the id: true
	// 200 true
	// handler sees the id: true
	// 500
	// 500 Internal Server Error
	//
	// The server has either erred or is incapable of performing the requested operation.
}

// Behind a TLS-terminating proxy, links point where the client can
// follow them.
func ExampleApplicationURL() {
	versions := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"href": "%s/v2.1/"}`, middleware.ApplicationURL(r))
	})
	h := middleware.HTTPProxyToWSGI(versions)
	r := httptest.NewRequest("GET", "http://10.0.0.5:8774/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "api.example.com")
	r.Header.Set("X-Forwarded-Prefix", "/compute")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Body.String())
	// Output: {"href": "https://api.example.com/compute/v2.1/"}
}

// An api-paste.ini with oslo.middleware's filters, their options from
// the service's configuration.
func ExampleRegister() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "api.conf"), []byte("[oslo_middleware]\nmax_request_body_size = 10\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "api-paste.ini"), []byte(`[pipeline:main]
pipeline = request_id sizelimit api

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:sizelimit]
use = egg:oslo.middleware#sizelimit

[app:api]
paste.app_factory = example.api:factory
`), 0o644)

	conf := config.New()
	if err := conf.Load([]string{"--config-file", filepath.Join(dir, "api.conf")}, config.LoadOptions{DefaultConfigFiles: []string{}}); err != nil {
		fmt.Println(err)
		return
	}
	reg := paste.NewRegistry()
	if err := middleware.Register(reg, conf); err != nil {
		fmt.Println(err)
		return
	}
	reg.Handler("example.api:factory", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "got %d bytes", len(b))
	}))
	app, err := reg.LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, body := range []string{"small", "far too large"} {
		rec := httptest.NewRecorder()
		discardLogs(func() { app.ServeHTTP(rec, httptest.NewRequest("POST", "/", strings.NewReader(body))) })
		fmt.Println(rec.Code, strings.SplitN(rec.Body.String(), "\n", 2)[0])
	}
	// Output:
	// 200 got 5 bytes
	// 413 413 Request Entity Too Large
}

// A healthcheck application for a load balancer, with a backend of the
// service's own and an operator's disable file.
func ExampleHealthcheck() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	disable := filepath.Join(dir, "healthcheck_disable")
	db := middleware.HealthcheckBackendFunc(func(ctx context.Context, port int) middleware.HealthcheckResult {
		return middleware.HealthcheckResult{Available: true, Reason: "OK", Details: "database reachable"}
	})
	hc := &middleware.Healthcheck{Backends: []middleware.HealthcheckBackend{db, middleware.DisableByFile{Path: disable}}}

	get := func(accept string) {
		r := httptest.NewRequest("GET", "/healthcheck", nil)
		r.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		hc.ServeHTTP(rec, r)
		fmt.Printf("%d %s\n%s\n", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	get("text/plain")
	os.WriteFile(disable, nil, 0o644)
	get("application/json")
	// Output:
	// 200 text/plain; charset=UTF-8
	// OK
	// OK
	// 503 application/json
	// {
	//     "detailed": false,
	//     "reasons": [
	//         "OK",
	//         "DISABLED BY FILE"
	//     ]
	// }
}

// CORS for a dashboard on another origin: a preflight, then the request.
func ExampleCORS() {
	c := middleware.NewCORS()
	policy := middleware.DefaultCORSPolicy()
	policy.AllowHeaders = []string{"X-Auth-Token"}
	c.AddOrigin([]string{"https://dashboard.example.com"}, policy)
	h := c.Wrap(http.NotFoundHandler()) // an API that does not route OPTIONS

	r := httptest.NewRequest("OPTIONS", "/v2.1/servers", nil)
	r.Header.Set("Origin", "https://dashboard.example.com")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "X-Auth-Token")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code)
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Vary"} {
		fmt.Printf("%s: %s\n", k, rec.Header().Get(k))
	}
	// Output:
	// 200
	// Access-Control-Allow-Origin: https://dashboard.example.com
	// Access-Control-Allow-Methods: POST
	// Access-Control-Allow-Headers: X-Auth-Token
	// Access-Control-Max-Age: 3600
	// Vary: Origin
}

// A handler that returns its errors instead of writing 500 pages.
func ExampleErrorHandlerFunc() {
	h := middleware.ErrorHandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("quota service: connection refused")
	})
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept", "application/json")
	discardLogs(func() { h.ServeHTTP(rec, r) })
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 500 {"message": "The server has either erred or is incapable of performing the requested operation.<br /><br />\n\n\n", "code": "500 Internal Server Error", "title": "Internal Server Error"}
}

// discardLogs keeps the examples' output free of log lines.
func discardLogs(f func()) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	defer slog.SetDefault(old)
	f()
}

// An application ported from WebOb answers its errors with the pages
// webob.exc renders, as raise HTTPBadRequest(explanation=...) did.
func ExampleHTTPError() {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		middleware.HTTPError{Code: http.StatusBadRequest, Explanation: "ms must be an int"}.ServeHTTP(w, r)
	})
	r := httptest.NewRequest("GET", "/v1/slow?ms=x", nil)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	app.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body.String())
	// Output:
	// 400 application/json
	// {"message": "ms must be an int<br /><br />\n\n\n", "code": "400 Bad Request", "title": "Bad Request"}
}

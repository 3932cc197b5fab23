package middleware

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/reqctx"
)

// Every name api-paste.ini files use for oslo.middleware loads, as the
// kind its section needs.
func TestRegisterNames(t *testing.T) {
	reg := paste.NewRegistry()
	if err := Register(reg, nil); err != nil {
		t.Fatal(err)
	}
	filters := []string{
		"use = egg:oslo.middleware#request_id",
		"use = egg:oslo.middleware#correlation_id",
		"use = egg:oslo.middleware#catch_errors",
		"use = egg:oslo.middleware#sizelimit",
		"use = egg:oslo.middleware#http_proxy_to_wsgi",
		"use = egg:oslo.middleware#cors\nallowed_origin = http://a",
		"use = egg:oslo.middleware#healthcheck",
		"use = egg:oslo.middleware#debug",
		"use = egg:oslo.middleware#ssl",
		"use = egg:oslo_middleware#request_id",
		"paste.filter_factory = oslo_middleware.cors:filter_factory\nallowed_origin = http://a",
		"paste.filter_factory = oslo_middleware:CORS.factory\nallowed_origin = http://a",
		"paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory",
		"paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory",
		"paste.filter_factory = oslo_middleware:Healthcheck.factory",
		"paste.filter_factory = oslo_middleware:RequestId.factory",
		"paste.filter_factory = oslo_middleware.request_id:RequestId.factory",
		"paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory",
		"paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory",
		"paste.filter_factory = oslo_middleware:CatchErrors.factory",
		"paste.filter_factory = oslo_middleware.catch_errors:CatchErrors.factory",
		"paste.filter_factory = oslo_middleware.debug:Debug.factory",
		"paste.filter_factory = oslo_middleware:CorrelationId.factory",
		"use = call:oslo_middleware.request_id:RequestId.factory",
	}
	apps := []string{
		"use = egg:oslo.middleware#healthcheck",
		"paste.app_factory = oslo_middleware:Healthcheck.app_factory",
		"use = call:oslo_middleware:Healthcheck.app_factory",
	}
	for i, f := range filters {
		t.Run(f, func(t *testing.T) {
			ini := writeFile(t, "api-paste.ini", fmt.Sprintf("[pipeline:main]\npipeline = f%d hc\n\n[filter:f%d]\n%s\n\n[app:hc]\n%s\n", i, i, f, apps[0]))
			app, err := reg.LoadApp(ini, "main")
			if err != nil {
				t.Fatal(err)
			}
			if rec := serve(app, "GET", "/"); rec.Code != 200 {
				t.Errorf("got %d", rec.Code)
			}
		})
	}
	for _, a := range apps {
		t.Run(a, func(t *testing.T) {
			ini := writeFile(t, "api-paste.ini", "[app:main]\n"+a+"\n")
			app, err := reg.LoadApp(ini, "main")
			if err != nil {
				t.Fatal(err)
			}
			if rec := serve(app, "GET", "/whatever"); rec.Code != 200 {
				t.Errorf("got %d", rec.Code)
			}
		})
	}
}

// Bad paste values fail when the file is loaded, naming the place.
func TestRegisterErrors(t *testing.T) {
	reg := paste.NewRegistry()
	if err := Register(reg, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ section, want string }{
		{"use = egg:oslo.middleware#cors", "allowed_origin or oslo_config_project is required"},
		{"use = egg:oslo.middleware#sizelimit\nmax_request_body_size = 1k", "max_request_body_size"},
		{"use = egg:oslo.middleware#http_proxy_to_wsgi\nenable_proxy_headers_parsing = perhaps", "enable_proxy_headers_parsing"},
		{"use = egg:oslo.middleware#healthcheck\ndetailed = very", "detailed"},
		{"use = egg:oslo.middleware#request_id\noslo_config_project = goslotest\noslo_config_file = /nonexistent/goslo.conf", "goslo.conf"},
	} {
		ini := writeFile(t, "api-paste.ini", "[pipeline:main]\npipeline = f hc\n\n[filter:f]\n"+tc.section+"\n\n[app:hc]\nuse = egg:oslo.middleware#healthcheck\n")
		_, err := reg.LoadApp(ini, "main")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "api-paste.ini") {
			t.Errorf("%q: error %v, want one naming %q and the file", tc.section, err, tc.want)
		}
	}
}

const novaPaste = `[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2.1: openstack_compute_api_v21
/healthcheck: healthcheck

[pipeline:openstack_compute_api_v21]
pipeline = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit osapi_compute_app_v21

[pipeline:oscomputeversions]
pipeline = cors faultwrap request_log http_proxy_to_wsgi oscomputeversionapp

[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory

[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory

[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova
oslo_config_file = %(here)s/nova.conf

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory

[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory

[app:healthcheck]
paste.app_factory = oslo_middleware:Healthcheck.app_factory
backends = disable_by_file
disable_by_file_path = %(here)s/healthcheck_disable
`

const novaConf = `[oslo_middleware]
enable_proxy_headers_parsing = true
max_request_body_size = 1000

[cors]
allowed_origin = https://dashboard.example.com
allow_headers = X-Auth-Token,X-OpenStack-Nova-API-Version
expose_headers = X-OpenStack-Request-ID
`

// A nova-shaped api-paste.ini served over HTTP with oslo.middleware's
// filters and Go stand-ins for nova's own.
func TestNovaPipeline(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"api-paste.ini": novaPaste, "nova.conf": novaConf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := config.New()
	if err := conf.Load([]string{"--config-file", filepath.Join(dir, "nova.conf")}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		t.Fatal(err)
	}
	reg := paste.NewRegistry()
	if err := Register(reg, conf); err != nil {
		t.Fatal(err)
	}
	reg.Composite("call:nova.api.openstack.urlmap:urlmap_factory", paste.URLMapFactory)
	reg.Middleware("nova.api.openstack.requestlog:RequestLog.factory", func(next http.Handler) http.Handler { return next })
	reg.Middleware("nova.api.compute_req_id:ComputeReqIdMiddleware.factory", RequestIDWithCompatHeaders("x-compute-request-id"))
	reg.Middleware("nova.api.openstack:FaultWrapper.factory", CatchErrors)
	reg.Handler("nova.api.openstack.compute:APIRouterV21.factory", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/boom":
			panic("compute is broken")
		case "/servers":
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rc := reqctx.From(r.Context())
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"len": len(b), "request_id": rc.RequestID})
		default:
			http.NotFound(w, r)
		}
	}))
	reg.Handler("nova.api.openstack.compute.versions:Versions.factory", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"versions": [{"id": "v2.1", "links": [{"href": "%s/v2.1/", "rel": "self"}]}]}`, ApplicationURL(r))
	}))
	app, err := reg.LoadApp(filepath.Join(dir, "api-paste.ini"), "osapi_compute")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	logs := captureLogs(t)

	do := func(method, path, body string, hdr ...string) (*http.Response, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}

	// Versions behind a TLS proxy: the links are the client's.
	resp, body := do("GET", "/", "", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Prefix", "/compute")
	if want := `"href": "https://api.example.com/compute/v2.1/"`; resp.StatusCode != 200 || !strings.Contains(body, want) {
		t.Errorf("versions: %d %s", resp.StatusCode, body)
	}
	// A request id per request, the compat header too, in the context.
	resp, body = do("POST", "/v2.1/servers", `{"server": {}}`)
	id := resp.Header.Get("X-Openstack-Request-Id")
	if resp.StatusCode != 200 || !isRequestID(id) || resp.Header.Get("X-Compute-Request-Id") != id || !strings.Contains(body, id) {
		t.Errorf("servers: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// sizelimit from nova.conf.
	resp, _ = do("POST", "/v2.1/servers", strings.Repeat("x", 1001))
	if resp.StatusCode != 413 {
		t.Errorf("1001 bytes: %d", resp.StatusCode)
	}
	// catch_errors as nova's FaultWrapper here: a 500, no internals.
	resp, body = do("GET", "/v2.1/boom", "", "Accept", "application/json")
	if resp.StatusCode != 500 || strings.Contains(body, "compute is broken") || !isRequestID(resp.Header.Get("X-Openstack-Request-Id")) {
		t.Errorf("boom: %d %s", resp.StatusCode, body)
	}
	// CORS from nova.conf through oslo_config_project/oslo_config_file.
	resp, _ = do("OPTIONS", "/v2.1/servers", "", "Origin", "https://dashboard.example.com",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "X-Auth-Token")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://dashboard.example.com" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = do("GET", "/v2.1/servers", "", "Origin", "https://dashboard.example.com")
	if resp.Header.Get("Access-Control-Expose-Headers") != "X-OpenStack-Request-ID" {
		t.Errorf("actual: %v", resp.Header)
	}
	// The healthcheck, then disabled by its file.
	resp, body = do("GET", "/healthcheck", "")
	if resp.StatusCode != 200 || body != "OK" {
		t.Errorf("healthcheck: %d %q", resp.StatusCode, body)
	}
	if err := os.WriteFile(filepath.Join(dir, "healthcheck_disable"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body = do("GET", "/healthcheck", "", "Accept", "application/json")
	if want := "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"DISABLED BY FILE\"\n    ]\n}"; resp.StatusCode != 503 || body != want {
		t.Errorf("disabled: %d %q", resp.StatusCode, body)
	}
	var errs int
	for _, r := range logs.take() {
		if r[0] == "ERROR" {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("%d errors logged, want the one of /boom", errs)
	}
}

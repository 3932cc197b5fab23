package paste_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/paste"
)

// The end-to-end test serves testdata/e2e/api-paste.ini (nova-shaped: a
// urlmap, pipeline_factory, oslo.middleware-like filters) with Go
// factories over real HTTP.

type trailKey struct{}

// trail records the filters a request went through, in order.
func trail(r *http.Request, name string) *http.Request {
	t, _ := r.Context().Value(trailKey{}).([]string)
	return r.WithContext(context.WithValue(r.Context(), trailKey{}, append(t[:len(t):len(t)], name)))
}

// novaRegistry registers Go factories under the names the ini uses.
func novaRegistry(strategy string) *paste.Registry {
	r := paste.NewRegistry()
	var ids atomic.Int64
	r.Composite("call:nova.api.openstack.urlmap:urlmap_factory", paste.URLMapFactory)
	r.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return strategy }))
	r.Middleware("oslo_middleware:RequestId.factory", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("X-OpenStack-Request-ID", fmt.Sprintf("req-%d", ids.Add(1)))
			next.ServeHTTP(w, trail(req, "request_id"))
		})
	})
	r.Middleware("nova.api.openstack:FaultWrapper.factory", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			defer func() {
				if recover() != nil {
					http.Error(w, `{"computeFault": {"code": 500}}`, http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, trail(req, "faultwrap"))
		})
	})
	r.Filter("egg:oslo.middleware#sizelimit", func(_, local map[string]string) (func(http.Handler) http.Handler, error) {
		limit, err := strconv.ParseInt(local["max_request_body_size"], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("max_request_body_size: %w", err)
		}
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.ContentLength > limit {
					http.Error(w, "Request is too large.", http.StatusRequestEntityTooLarge)
					return
				}
				next.ServeHTTP(w, trail(req, "sizelimit"))
			})
		}, nil
	})
	r.Filter("keystonemiddleware.auth_token:filter_factory", func(_, local map[string]string) (func(http.Handler) http.Handler, error) {
		token := local["token"]
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.Header.Get("X-Auth-Token") != token {
					http.Error(w, "Authentication required", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, trail(req, "authtoken"))
			})
		}, nil
	})
	r.Middleware("nova.api.openstack.auth:NoAuthMiddleware.factory", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { next.ServeHTTP(w, trail(req, "noauth2")) })
	})
	r.App("oslo_middleware:Healthcheck.app_factory", func(_, local map[string]string) (http.Handler, error) {
		disable := local["disable_by_file_path"]
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if _, err := os.Stat(disable); err == nil {
				http.Error(w, "DISABLED BY FILE", http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, "OK")
		}), nil
	})
	r.App("nova.api.openstack.compute.versions:Versions.factory", func(_, _ map[string]string) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			writeJSON(w, req, map[string]any{"path": req.URL.Path,
				"href": "http://" + req.Host + paste.ScriptName(req.Context()) + "/v2.1/"})
		}), nil
	})
	r.App("nova.api.openstack.compute:APIRouterV21.factory", func(_, _ map[string]string) (http.Handler, error) {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /servers", func(w http.ResponseWriter, req *http.Request) {
			writeJSON(w, req, map[string]any{"href": "http://" + req.Host + paste.ScriptName(req.Context()) + "/servers/1"})
		})
		mux.HandleFunc("POST /servers", func(w http.ResponseWriter, req *http.Request) {
			writeJSON(w, req, map[string]any{"created": true})
		})
		mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("bug") })
		return mux, nil
	})
	return r
}

func writeJSON(w http.ResponseWriter, req *http.Request, body map[string]any) {
	body["trail"], _ = req.Context().Value(trailKey{}).([]string)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func TestEndToEnd(t *testing.T) {
	file, err := filepath.Abs("testdata/e2e/api-paste.ini")
	if err != nil {
		t.Fatal(err)
	}
	h, err := novaRegistry("keystone").LoadApp(file, "osapi_compute")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	tests := []struct {
		name, method, path, token, body string
		status                          int
		requestID                       bool
		want                            map[string]any // JSON fields; nil: body is checked by text
		text                            string
	}{
		{"versions at the root", "GET", "/", "", "", 200, true,
			map[string]any{"path": "/", "href": "http://" + host + "/v2.1/", "trail": []any{"request_id", "faultwrap"}}, ""},
		{"healthcheck outside the API pipeline", "GET", "/healthcheck", "", "", 200, false, nil, "OK"},
		{"API with the prefix stripped and links built from it", "GET", "/v2.1/servers", "secret", "", 200, true,
			map[string]any{"href": "http://" + host + "/v2.1/servers/1", "trail": []any{"request_id", "faultwrap", "sizelimit", "authtoken"}}, ""},
		{"slashes collapsed as Paste does", "GET", "/v2.1//servers", "secret", "", 200, true,
			map[string]any{"href": "http://" + host + "/v2.1/servers/1", "trail": []any{"request_id", "faultwrap", "sizelimit", "authtoken"}}, ""},
		{"authtoken refuses", "GET", "/v2.1/servers", "wrong", "", 401, true, nil, "Authentication required\n"},
		{"sizelimit runs before authtoken", "POST", "/v2.1/servers", "", strings.Repeat("x", 65), 413, true, nil, "Request is too large.\n"},
		{"small body passes", "POST", "/v2.1/servers", "secret", `{"server": {}}`, 200, true,
			map[string]any{"created": true, "trail": []any{"request_id", "faultwrap", "sizelimit", "authtoken"}}, ""},
		{"faultwrap catches a panic", "GET", "/v2.1/boom", "secret", "", 500, true, nil, "{\"computeFault\": {\"code\": 500}}\n"},
		{"a longer prefix is not /v2.1", "GET", "/v2.10", "", "", 200, true,
			map[string]any{"path": "/v2.10", "href": "http://" + host + "/v2.1/", "trail": []any{"request_id", "faultwrap"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = tt.path // send "/v2.1//servers" as written
			if tt.token != "" {
				req.Header.Set("X-Auth-Token", tt.token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("X-OpenStack-Request-ID") != ""; got != tt.requestID {
				t.Errorf("request id header present: %v, want %v", got, tt.requestID)
			}
			if tt.want == nil {
				if string(body) != tt.text {
					t.Errorf("body %q, want %q", body, tt.text)
				}
				return
			}
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestEndToEndNoAuth(t *testing.T) {
	h, err := novaRegistry("noauth2").LoadApp("testdata/e2e/api-paste.ini", "osapi_compute")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/v2.1/servers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Trail []string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if want := []string{"request_id", "faultwrap", "sizelimit", "noauth2"}; !cmp.Equal(got.Trail, want) {
		t.Errorf("trail %q, want %q", got.Trail, want)
	}
}

// TestEndToEndMatchesInspect checks the factories got the configuration
// Inspect (and so PasteDeploy) says they get.
func TestEndToEndMatchesInspect(t *testing.T) {
	n, err := paste.Inspect("testdata/e2e/api-paste.ini", "osapi_compute")
	if err != nil {
		t.Fatal(err)
	}
	hc := n.Apps["/healthcheck"]
	if hc == nil || hc.Kind != "app" || hc.Use != "paste.app_factory:oslo_middleware:Healthcheck.app_factory" {
		t.Fatalf("healthcheck node %+v", hc)
	}
	dir, _ := filepath.Abs("testdata/e2e")
	if got := hc.Local["disable_by_file_path"]; got != dir+"/healthcheck_disable" {
		t.Errorf("disable_by_file_path %q", got)
	}
	api := n.Apps["/v2.1"]
	if api == nil || api.Kind != "composite" || len(api.Apps) != 2 {
		t.Fatalf("API node %+v", api)
	}
	var chain []string
	for f := api.Apps["keystone"]; f != nil; f = f.App {
		chain = append(chain, f.Use)
	}
	want := []string{"paste.filter_factory:oslo_middleware:RequestId.factory", "paste.filter_factory:nova.api.openstack:FaultWrapper.factory",
		"egg:oslo.middleware#sizelimit", "paste.filter_factory:keystonemiddleware.auth_token:filter_factory",
		"paste.app_factory:nova.api.openstack.compute:APIRouterV21.factory"}
	if !cmp.Equal(chain, want) {
		t.Errorf("keystone pipeline %q, want %q", chain, want)
	}
}

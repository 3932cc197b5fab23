package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/examples/compute-api/app"
)

// pipeline is the service's whole application: the real api-paste.ini
// (request_id, http_proxy_to_wsgi, sizelimit, catch_errors, noauth2, the
// API, behind a urlmap with the healthcheck) loaded with the factories
// the service registers and its shipped configuration, over the store.
func pipeline(t testing.TB, overrides map[[2]string]any) http.Handler {
	t.Helper()
	conf := config.New()
	if err := app.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load([]string{"--config-file", "../etc/compute-api.conf"}, config.LoadOptions{Prog: "test",
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	for k, v := range overrides {
		if err := conf.SetOverride(k[0], k[1], v); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := app.Registry(conf, newStore(t))
	if err != nil {
		t.Fatal(err)
	}
	h, err := reg.LoadApp("../etc/api-paste.ini", app.APIName)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPipelineLinks(t *testing.T) {
	on := pipeline(t, nil)
	off := pipeline(t, map[[2]string]any{{"oslo_middleware", "enable_proxy_headers_parsing"}: false})
	cases := []struct {
		name string
		h    http.Handler
		opts []opt
		want string
	}{
		{"no proxy", on, nil, "http://example.com/v2.1/"},
		{"X-Forwarded-Proto and -Host", on, []opt{header("X-Forwarded-Proto", "https"), header("X-Forwarded-Host", "api.example.org")},
			"https://api.example.org/v2.1/"},
		{"X-Forwarded-Prefix", on, []opt{header("X-Forwarded-Proto", "https"), header("X-Forwarded-Host", "api.example.org"),
			header("X-Forwarded-Prefix", "/compute")}, "https://api.example.org/compute/v2.1/"},
		{"Forwarded", on, []opt{header("Forwarded", "for=192.0.2.60;proto=https;host=cloud.example.net")},
			"https://cloud.example.net/v2.1/"},
		{"parsing off", off, []opt{header("X-Forwarded-Proto", "https"), header("X-Forwarded-Host", "api.example.org")},
			"http://example.com/v2.1/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := do(c.h, "GET", "/", "", c.opts...)
			expect(t, w, http.StatusOK)
			if got := get(t, doc(t, w), "versions", 0, "links", 0, "href"); got != c.want {
				t.Errorf("versions self link %v, want %s", got, c.want)
			}
			if id := w.Header().Get("X-OpenStack-Request-Id"); !strings.HasPrefix(id, "req-") {
				t.Errorf("X-OpenStack-Request-Id %q", id)
			}
		})
	}

	// A server's Location, links and next links too.
	proxy := []opt{as("p1"), header("X-Forwarded-Proto", "https"), header("X-Forwarded-Host", "api.example.org")}
	w := do(on, "POST", "/v2.1/servers", `{"server": {"name": "a", "flavorRef": "1"}}`, proxy...)
	expect(t, w, http.StatusAccepted)
	id := get(t, doc(t, w), "server", "id").(string)
	if loc := w.Header().Get("Location"); loc != "https://api.example.org/v2.1/servers/"+id {
		t.Errorf("Location %q", loc)
	}
	createServer(t, on, "p1", "b")
	w = do(on, "GET", "/v2.1/servers/detail?limit=1", "", proxy...)
	d := doc(t, w)
	for path, want := range map[string]string{
		"self":  "https://api.example.org/v2.1/servers/" + id,
		"next":  "https://api.example.org/v2.1/servers/detail?limit=1&marker=" + id,
		"flav":  "https://api.example.org/flavors/1",
		"bookm": "https://api.example.org/servers/" + id,
	} {
		var got any
		switch path {
		case "self":
			got = get(t, d, "servers", 0, "links", 0, "href")
		case "bookm":
			got = get(t, d, "servers", 0, "links", 1, "href")
		case "next":
			got = get(t, d, "servers_links", 0, "href")
		case "flav":
			got = get(t, d, "servers", 0, "flavor", "links", 0, "href")
		}
		if got != want {
			t.Errorf("%s link %v, want %s", path, got, want)
		}
	}
}

func TestPipeline(t *testing.T) {
	h := pipeline(t, nil)
	t.Run("healthcheck", func(t *testing.T) {
		w := do(h, "GET", "/healthcheck", "")
		if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != "OK" {
			t.Errorf("healthcheck: %d %q", w.Code, w.Body)
		}
	})
	t.Run("the token names user and project", func(t *testing.T) {
		w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "t", "flavorRef": "1"}}`, header("X-Auth-Token", "alice:blue"))
		expect(t, w, http.StatusAccepted)
		s := get(t, doc(t, w), "server").(map[string]any)
		if s["user_id"] != "alice" || s["tenant_id"] != "blue" {
			t.Errorf("user %v, project %v", s["user_id"], s["tenant_id"])
		}
	})
	t.Run("errors keep their shape and request id", func(t *testing.T) {
		for _, c := range []struct {
			method, path, body string
			status             int
		}{
			{"GET", "/v2.1/servers/none", "", 404},
			{"POST", "/v2.1/servers", "{", 400},
			{"PATCH", "/v2.1/servers", "{}", 405},
			{"GET", "/v2.1/flavors?limit=x", "", 400},
		} {
			w := do(h, c.method, c.path, c.body, as("p1"))
			checkFault(t, w, c.status)
			if id := w.Header().Get("X-OpenStack-Request-Id"); !strings.HasPrefix(id, "req-") {
				t.Errorf("%s %s: X-OpenStack-Request-Id %q", c.method, c.path, id)
			}
		}
	})
	t.Run("a body over max_request_body_size", func(t *testing.T) {
		big := `{"server": {"name": "` + strings.Repeat("x", 114688) + `", "flavorRef": "1"}}`
		// oslo.middleware's sizelimit answers before the API, with WebOb's
		// error page: text by default, JSON for a client that accepts it.
		w := do(h, "POST", "/v2.1/servers", big, as("p1"))
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "max_request_body_size") {
			t.Fatalf("status %d, body %q; want 413", w.Code, w.Body)
		}
		w = do(h, "POST", "/v2.1/servers", big, as("p1"), header("Accept", "application/json"))
		expect(t, w, http.StatusRequestEntityTooLarge)
		if got := doc(t, w)["code"]; got != "413 Request Entity Too Large" { // WebOb's, status line and all
			t.Errorf("WebOb's JSON error: code %v: %s", got, w.Body)
		}
		if got := ids(t, doc(t, do(h, "GET", "/v2.1/servers", "", as("p1"))), "servers"); len(got) != 0 {
			t.Errorf("a refused body created servers: %v", got)
		}
	})
}

func TestPipelineKeystoneNeedsItsFilters(t *testing.T) {
	conf := config.New()
	if err := app.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load([]string{"--config-file", "../etc/compute-api.conf"}, config.LoadOptions{Prog: "test",
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	if err := app.AuthStrategy.Override(conf, "keystone"); err != nil {
		t.Fatal(err)
	}
	reg, err := app.Registry(conf, newStore(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.LoadApp("../etc/api-paste.ini", app.APIName)
	if err == nil || !strings.Contains(err.Error(), "authtoken") {
		t.Errorf("the keystone pipeline without keystonemiddleware: %v, want an error naming authtoken", err)
	}
}

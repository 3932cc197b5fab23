package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// checkAnswer fails unless an answer is a success with a JSON object (or
// no body) or a 4xx OpenStack fault: never a 5xx.
func checkAnswer(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	switch {
	case w.Code >= 500:
		t.Fatalf("%s: %d: %s", what, w.Code, w.Body)
	case w.Code >= 400:
		if _, problem := faultOf(w.Header(), w.Body.Bytes(), w.Code); problem != "" {
			t.Fatalf("%s: %s", what, problem)
		}
	case w.Code == http.StatusNoContent || w.Code == http.StatusAccepted && w.Body.Len() == 0:
	default:
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s: %d with a body that is not a JSON object: %s", what, w.Code, w.Body)
		}
	}
}

// FuzzRequestBody sends a body to every endpoint that reads one, at a
// microversion the fuzzer picks.
func FuzzRequestBody(f *testing.F) {
	for _, seed := range []struct{ body, version string }{
		{`{"server": {"name": "a", "flavorRef": "1"}}`, "2.1"},
		{`{"server": {"name": "a", "flavorRef": "http://x/flavors/2", "metadata": {"k": "v"}, "accessIPv4": "192.0.2.1", "description": "d"}}`, "2.2"},
		{`{"server": {"name": "\u0000", "flavorRef": 1e400}}`, "latest"},
		{`{"server": {"name": ["a"], "flavorRef": {"id": 1}, "metadata": null}}`, "2.1"},
		{`{"flavor": {"name": "f", "ram": 512, "vcpus": 1, "disk": 1, "id": 77, "os-flavor-access:is_public": "no"}}`, "2.1"},
		{`{"flavor": {"name": "f", "ram": -9223372036854775808, "vcpus": 1e3}}`, "2.1"},
		{`{"flavor": {"description": "x"}}`, "2.2"},
		{`{"flavor": {"description": null}}`, ""},
		{`{"server": {}}`, "2.0"},
		{`{`, "2.x"},
		{`null`, ""},
		{`[]`, ""},
		{`"server"`, ""},
		{"\xff\xfe", ""},
	} {
		f.Add([]byte(seed.body), seed.version)
	}
	h, _ := newAPI(f)
	id := createServer(f, h, "p1", "target")
	targets := []struct {
		method, path string
		opts         []opt
	}{
		{"POST", "/v2.1/servers", []opt{as("p1")}},
		{"PUT", "/v2.1/servers/" + id, []opt{as("p1")}},
		{"POST", "/v2.1/flavors", []opt{admin("ops")}},
		{"PUT", "/v2.1/flavors/1", []opt{admin("ops")}},
	}
	f.Fuzz(func(t *testing.T, body []byte, version string) {
		for _, target := range targets {
			r := httptest.NewRequest(target.method, target.path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if version != "" {
				r.Header["Openstack-Api-Version"] = []string{"compute " + version}
			}
			for _, o := range target.opts {
				o(r)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			checkAnswer(t, target.method+" "+target.path, w)
		}
	})
}

// FuzzRequestURL sends a query string and a path segment the fuzzer picks
// to the endpoints that read them.
func FuzzRequestURL(f *testing.F) {
	for _, seed := range []struct{ query, segment string }{
		{"limit=2&marker=1", "1"},
		{"limit=-1", "detail"},
		{"limit=99999999999999999999999&marker=", "00000000-0000-0000-0000-000000000000"},
		{"marker=%00&all_tenants=1&name=%ff", "%2e%2e"},
		{"status=BUILD&name=a&limit=0", "../flavors"},
		{"limit=1e3", "1 OR 1=1"},
	} {
		f.Add(seed.query, seed.segment)
	}
	h, _ := newAPI(f)
	createServer(f, h, "p1", "a")
	createServer(f, h, "p1", "b")
	f.Fuzz(func(t *testing.T, query, segment string) {
		seg := url.PathEscape(segment)
		for _, path := range []string{
			"/v2.1/servers?" + query, "/v2.1/servers/detail?" + query,
			"/v2.1/flavors?" + query, "/v2.1/flavors/detail?" + query,
			"/v2.1/servers/" + seg, "/v2.1/flavors/" + seg,
		} {
			for _, o := range []opt{as("p1"), admin("p1")} {
				r, err := http.NewRequest("GET", "http://example.com"+path, nil)
				if err != nil {
					continue // not a URL a client could send
				}
				o(r)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				checkAnswer(t, "GET "+path, w)
			}
		}
		r, err := http.NewRequest("DELETE", "http://example.com/v2.1/servers/"+seg, nil)
		if err == nil {
			as("p2")(r) // nothing of p2's: never deletes the fixtures
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			checkAnswer(t, "DELETE "+seg, w)
		}
	})
}

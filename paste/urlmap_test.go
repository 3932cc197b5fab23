package paste

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type seen struct {
	app, script, path, rawPath string
}

// recorder handler: remembers what the mounted application saw.
func seeing(name string, out *seen) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		*out = seen{name, ScriptName(r.Context()), r.URL.Path, r.URL.EscapedPath()}
	})
}

func TestURLMapDispatch(t *testing.T) {
	var got seen
	m := &URLMap{NotFound: seeing("notfound", &got)}
	for _, mnt := range []struct{ url, app string }{
		{"/", "root"}, {"/v2", "v2"}, {"/v2.1/", "v21"}, {"http://example.com/v2", "ex"},
		{"http://example.com:8080", "ex8080"}, {"/only", "only"},
	} {
		if err := m.Handle(mnt.url, seeing(mnt.app, &got)); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Handle("/only", seeing("only2", &got)); err != nil { // replaces
		t.Fatal(err)
	}
	tests := []struct {
		host, target string
		want         seen
	}{
		{"a", "/", seen{"root", "", "/", "/"}},
		{"a", "/v2", seen{"v2", "/v2", "", ""}},
		{"a", "/v2/", seen{"v2", "/v2", "/", "/"}},
		{"a", "/v2.1/servers", seen{"v21", "/v2.1", "/servers", "/servers"}},
		{"a", "/v2.10", seen{"root", "", "/v2.10", "/v2.10"}},
		{"a", "//v2//x", seen{"v2", "/v2", "/x", "/x"}},
		{"a", "/v2/a%2Fb", seen{"v2", "/v2", "/a/b", "/a%2Fb"}},
		{"a", "/only/x", seen{"only2", "/only", "/x", "/x"}},
		{"example.com", "/v2/x", seen{"ex", "/v2", "/x", "/x"}},
		{"EXAMPLE.com:80", "/v2", seen{"ex", "/v2", "", ""}},
		{"example.com:8080", "/", seen{"ex8080", "", "/", "/"}},
		{"example.com:8080", "/v2/y", seen{"ex", "/v2", "/y", "/y"}},
		{"example.com:9999", "/x", seen{"root", "", "/x", "/x"}},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "http://"+tt.host+tt.target, nil)
		got = seen{}
		m.ServeHTTP(httptest.NewRecorder(), r)
		if got != tt.want {
			t.Errorf("%s%s: got %+v, want %+v", tt.host, tt.target, got, tt.want)
		}
	}
	if want := []string{"http://example.com/v2", "http://example.com:8080", "/only", "/v2.1", "/v2", ""}; !cmp.Equal(m.Prefixes(), want) {
		t.Errorf("Prefixes() = %q, want %q", m.Prefixes(), want)
	}
}

func TestURLMapNotFoundAndContext(t *testing.T) {
	m := &URLMap{}
	type key struct{}
	var inner context.Context
	if err := m.Handle("/api", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { inner = r.Context() })); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/other", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("unmapped path: %d, want 404", w.Code)
	}
	// The mounted request keeps the parent context's values and
	// cancellation, and adds to the script name a middleware set.
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	r := httptest.NewRequest(http.MethodGet, "/api/x", nil).WithContext(WithScriptName(ctx, "/proxy"))
	m.ServeHTTP(httptest.NewRecorder(), r)
	if inner == nil || inner.Value(key{}) != "v" || ScriptName(inner) != "/proxy/api" {
		t.Fatalf("mounted context: value %v, script name %q", inner.Value(key{}), ScriptName(inner))
	}
	cancel()
	<-inner.Done()
	if inner.Err() != context.Canceled {
		t.Errorf("mounted context error %v after cancel", inner.Err())
	}
}

func TestURLMapNested(t *testing.T) {
	var got seen
	inner := &URLMap{}
	if err := inner.Handle("/v2", seeing("v2", &got)); err != nil {
		t.Fatal(err)
	}
	outer := &URLMap{}
	if err := outer.Handle("/api", inner); err != nil {
		t.Fatal(err)
	}
	outer.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v2/servers", nil))
	if want := (seen{"v2", "/api/v2", "/servers", "/servers"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestURLMapTLSPort(t *testing.T) {
	var got seen
	m := &URLMap{}
	for u, app := range map[string]string{"http://h:443/": "tls", "http://h:80/": "plain"} {
		if err := m.Handle(u, seeing(app, &got)); err != nil {
			t.Fatal(err)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "http://h/", nil)
	r.TLS = &tls.ConnectionState{}
	m.ServeHTTP(httptest.NewRecorder(), r)
	if got.app != "tls" {
		t.Errorf("https request without a port served by %q, want the :443 mount", got.app)
	}
	m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://h/", nil))
	if got.app != "plain" {
		t.Errorf("http request without a port served by %q, want the :80 mount", got.app)
	}
}

func TestURLMapBadURL(t *testing.T) {
	m := &URLMap{}
	for _, u := range []string{"v2", "ftp://x/"} {
		if err := m.Handle(u, http.NotFoundHandler()); err == nil {
			t.Errorf("Handle(%q): no error", u)
		}
	}
	if err := m.Handle("/x", nil); err == nil {
		t.Error("Handle with a nil handler: no error")
	}
	for _, expr := range []string{"domain", "port 80 /", "domain a domain b", "/a /b", "port"} {
		if _, err := parsePathExpression(expr); err == nil {
			t.Errorf("parsePathExpression(%q): no error", expr)
		}
	}
}

// TestURLMapOracle compares URLMap with Paste's own paste.urlmap on
// generated mounts and requests: which application, SCRIPT_NAME (our
// ScriptName) and PATH_INFO (our r.URL.Path).
func TestURLMapOracle(t *testing.T) {
	needOracle(t)
	type tcase struct {
		Mounts   [][2]string `json:"mounts"`
		Requests [][3]string `json:"requests"`
	}
	paths := []string{"/", "", "/v2", "/v2/", "/v2x", "/v2.1", "/v2.1/servers", "//v2//a", "/a/b/c", "/a", "/A/b", "/v2/+", "/a//"}
	exprs := []string{"/", "/v2", "/v2.1", "/v2/", "//a//b", "/a", "/a/b", "/A", "/v2/+",
		"domain example.com /v2", "domain example.com port 8080 /", "domain Example.com /a", "domain example.com", "http://example.com:80/a", "https://other/v2"}
	hosts := []string{"a", "example.com", "EXAMPLE.COM:8080", "example.com:80", "example.com:8080", "other:443", "other"}
	var cases []tcase
	var in bytes.Buffer
	for i := range 300 {
		r := rand.New(rand.NewPCG(uint64(i), 3))
		var c tcase
		for j := range 1 + r.IntN(5) {
			c.Mounts = append(c.Mounts, [2]string{exprs[r.IntN(len(exprs))], fmt.Sprint("app", j)})
		}
		for range 8 {
			c.Requests = append(c.Requests, [3]string{hosts[r.IntN(len(hosts))], []string{"http", "https"}[r.IntN(2)], paths[r.IntN(len(paths))]})
		}
		cases = append(cases, c)
		b, _ := json.Marshal(c)
		in.Write(append(b, '\n'))
	}
	cmd := exec.Command(python, "testdata/urlmap_oracle.py")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		var want any
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		c := cases[i]
		var got any
		var rec seen
		m := &URLMap{NotFound: seeing("", &rec)}
		var err error
		for _, mnt := range c.Mounts {
			var u string
			if u, err = parsePathExpression(mnt[0]); err == nil {
				err = m.Handle(u, seeing(mnt[1], &rec))
			}
			if err != nil {
				break
			}
		}
		if err != nil {
			got = map[string]any{"error": err.Error()}
			if _, ok := want.(map[string]any); ok {
				continue // both refuse the mounts
			}
		} else {
			var answers []any
			for _, rq := range c.Requests {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Host, r.URL.Path = rq[0], rq[2]
				if rq[1] == "https" {
					r.TLS = &tls.ConnectionState{}
				}
				rec = seen{}
				m.ServeHTTP(httptest.NewRecorder(), r)
				var app any = rec.app
				if rec.app == "" {
					app = nil
				}
				answers = append(answers, []any{app, rec.script, rec.path})
			}
			got = answers
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("case %d %+v (-paste +goslo):\n%s", i, c, d)
		}
	}
}

func TestCollapseSlashes(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "/", "//": "/", "/a//b///c": "/a/b/c", "a": "a"} {
		if got := collapseSlashes(in); got != want {
			t.Errorf("collapseSlashes(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { collapseSlashes("/a/b") }); n != 0 {
		t.Errorf("collapseSlashes allocates %v times for a path without //", n)
	}
}

package paste_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/paste"
)

// writeFiles writes name -> content into a new directory and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tag is a filter factory: it appends its local "name" to the request's
// X-Trail header, so a response shows the order the filters ran in.
func tag(_, local map[string]string) (func(http.Handler) http.Handler, error) {
	name := local["name"]
	if name == "" {
		return nil, errors.New(`tag needs "name"`)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Add("X-Trail", name)
			next.ServeHTTP(w, r)
		})
	}, nil
}

// reply is what echo answers.
type reply struct {
	App    string   `json:"app"`
	Path   string   `json:"path"`
	Script string   `json:"script"`
	Trail  []string `json:"trail"`
}

// echo is an app factory answering who it is and what it saw.
func echo(_, local map[string]string) (http.Handler, error) {
	name := local["name"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(reply{App: name, Path: r.URL.Path, Script: paste.ScriptName(r.Context()), Trail: r.Header.Values("X-Trail")})
	}), nil
}

func testRegistry() *paste.Registry {
	r := paste.NewRegistry()
	r.Filter("egg:test#tag", tag)
	r.Filter("test.tag:factory", tag) // also serves call:test.tag:factory
	r.App("egg:test#echo", echo)
	r.App("test.echo:factory", echo)
	return r
}

func get(t testing.TB, h http.Handler, target string) reply {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	var rep reply
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatalf("GET %s: %v: %s", target, err, w.Body)
	}
	return rep
}

func TestPipelineOrder(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api-paste.ini": `
[pipeline:main]
pipeline = one two three four app

[filter:one]
use = egg:test#tag
name = one

[filter:two]
paste.filter_factory = test.tag:factory
name = two

[filter:three]
use = call:test.tag:factory
name = three

[filter:four]
use = egg:TEST#tag
name = four
filter-with = five

[filter:five]
use = egg:test#tag
name = five

[app:app]
use = egg:test#echo
name = the-app
`})
	h, err := testRegistry().LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
	if err != nil {
		t.Fatal(err)
	}
	got := get(t, h, "/x")
	want := reply{App: "the-app", Path: "/x", Trail: []string{"one", "two", "three", "five", "four"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestFactoryConfiguration(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api-paste.ini": `
[DEFAULT]
debug = false
db = sqlite://
conf_dir = %(here)s/etc

[app:main]
use = base
set debug = true
get database = db
policy = %(conf_dir)s/policy.yaml
debug = ignored, a [DEFAULT] key

[app:base]
paste.app_factory = test.conf:factory
level = 1
policy = overridden
`})
	var global, local map[string]string
	r := paste.NewRegistry()
	r.App("test.conf:factory", func(g, l map[string]string) (http.Handler, error) {
		global, local = g, l
		return http.NotFoundHandler(), nil
	})
	file := filepath.Join(dir, "api-paste.ini")
	if _, err := r.LoadApp(file, "main", paste.WithGlobalConf(map[string]string{"extra": "x"})); err != nil {
		t.Fatal(err)
	}
	wantGlobal := map[string]string{"here": dir, "__file__": file, "debug": "true", "db": "sqlite://",
		"conf_dir": dir + "/etc", "extra": "x"}
	wantLocal := map[string]string{"level": "1", "policy": dir + "/etc/policy.yaml", "database": "sqlite://"}
	if d := cmp.Diff(wantGlobal, global); d != "" {
		t.Errorf("global (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantLocal, local); d != "" {
		t.Errorf("local (-want +got):\n%s", d)
	}
}

// TestLoadErrors checks each kind of mistake gives an error of its kind
// that names the file, the section, the key and its line.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		ini   string
		load  string
		is    error
		wants []string // in the message
	}{
		{"unregistered egg", "[pipeline:main]\npipeline = authtoken app\n\n[filter:authtoken]\nuse = egg:keystonemiddleware#auth_token\n\n[app:app]\nuse = egg:test#echo\n",
			"main", paste.ErrNoFactory, []string{"[pipeline:main] pipeline", `filter "authtoken"`, "line 5: [filter:authtoken] use", `no factory registered for "egg:keystonemiddleware#auth_token"`}},
		{"unregistered explicit", "[app:main]\npaste.app_factory = nova.api:factory\n",
			"main", paste.ErrNoFactory, []string{":2: [app:main] paste.app_factory", `"nova.api:factory"`}},
		{"unregistered call", "[app:main]\nuse = call:nova.api:factory\n",
			"main", paste.ErrNoFactory, []string{":2: [app:main] use", `"call:nova.api:factory"`}},
		{"missing section", "[pipeline:main]\npipeline = nope app\n[app:app]\nuse = egg:test#echo\n",
			"main", paste.ErrNoSection, []string{":2: [pipeline:main] pipeline", `filter "nope"`, `no section named "nope"`}},
		{"missing app", "[app:other]\nuse = egg:test#echo\n", "main", paste.ErrNoSection, []string{`app "main"`}},
		{"ambiguous", "[app:main]\nuse = egg:test#echo\n[pipeline:main]\npipeline = main\n", "main", paste.ErrAmbiguous, []string{"app:main, pipeline:main"}},
		{"pipeline includes itself", "[pipeline:main]\npipeline = f main\n[filter:f]\nuse = egg:test#tag\nname = f\n",
			"main", paste.ErrLoop, []string{"[pipeline:main] pipeline", "includes itself"}},
		{"use loop", "[app:main]\nuse = b\n[app:b]\nuse = main\n", "main", paste.ErrLoop, []string{"[app:main] use", "[app:b] use"}},
		{"composite includes itself", "[composite:main]\nuse = egg:Paste#urlmap\n/ = main\n", "main", paste.ErrLoop, []string{"[composite:main] /"}},
		{"pipeline extra settings", "[pipeline:main]\npipeline = app\nextra = 1\n[app:app]\nuse = egg:test#echo\n",
			"main", paste.ErrExtraSettings, []string{":3: [pipeline:main] extra"}},
		{"empty pipeline", "[pipeline:main]\npipeline =\n", "main", paste.ErrMissingKey, []string{":2: [pipeline:main] pipeline"}},
		{"filter-app without next", "[filter-app:main]\nuse = egg:test#tag\n", "main", paste.ErrMissingKey, []string{":1: [filter-app:main]", `"next"`}},
		{"no loader", "[app:main]\noption = value\n", "main", paste.ErrNoLoader, []string{":1: [app:main]"}},
		{"multiple protocols", "[app:main]\npaste.app_factory = a:b\npaste.composite_factory = a:c\n", "main", paste.ErrMultipleProtocols, []string{":3: [app:main] paste.composite_factory"}},
		{"get of a missing global", "[app:main]\nuse = egg:test#echo\nget x = nothere\n", "main", paste.ErrMissingKey, []string{":3: [app:main] get x", `"nothere"`}},
		{"unknown scheme", "[app:main]\nuse = http://example.com\n", "main", paste.ErrBadURI, []string{":2: [app:main] use"}},
		{"app factory as filter", "[pipeline:main]\npipeline = f app\n[filter:f]\nuse = call:test.echo:factory\n[app:app]\nuse = egg:test#echo\n",
			"main", paste.ErrWrongKind, []string{"[filter:f] use", "an app factory"}},
		{"egg filter as app", "[app:main]\nuse = egg:test#tag\n", "main", paste.ErrWrongKind, []string{":2: [app:main] use", "a filter factory, not an application"}},
		{"filter loaded as app", "[filter:main]\nuse = egg:test#tag\n", "main", paste.ErrNoSection, nil},
		{"filter-with makes a filter", "[pipeline:main]\npipeline = app\nfilter-with = f\n[filter:f]\nuse = egg:test#tag\nname = f\n[app:app]\nuse = egg:test#echo\n", "main", paste.ErrWrongKind, []string{"a filter, not an application"}},
		{"factory fails", "[pipeline:main]\npipeline = f app\n[filter:f]\nuse = egg:test#tag\n[app:app]\nuse = egg:test#echo\n",
			"main", nil, []string{":4: [filter:f] use", `factory "egg:test#tag"`, `tag needs "name"`}},
		{"missing config file", "[app:main]\nuse = config:other.ini\n", "main", os.ErrNotExist, []string{":2: [app:main] use", "other.ini"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"api-paste.ini": tt.ini})
			file := filepath.Join(dir, "api-paste.ini")
			h, err := testRegistry().LoadApp(file, tt.load)
			if err == nil {
				t.Fatalf("loaded %T, want an error", h)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "paste: "+file) {
				t.Errorf("error %q does not start with the file", msg)
			}
			for _, w := range tt.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			var pe *paste.Error
			if !errors.As(err, &pe) || pe.File != file {
				t.Errorf("error %q: no *paste.Error for the file", msg)
			}
		})
	}
}

func TestSyntaxErrorsCarryLines(t *testing.T) {
	tests := []struct{ name, ini, want string }{
		{"duplicate section", "[app:main]\nuse = egg:test#echo\n[app:main]\n", "api-paste.ini:3: section 'app:main' already exists"},
		{"duplicate key", "[app:main]\nuse = egg:test#echo\nuse = x\n", "api-paste.ini:3: option 'use' in section 'app:main' already exists"},
		{"bad interpolation", "[DEFAULT]\nd = 50%\n[app:main]\nuse = egg:test#echo\n", "api-paste.ini:2: [DEFAULT] d: option 'd' in section 'DEFAULT': '%' must be followed"},
		{"included file", "[app:main]\nuse = config:other.ini\n", "other.ini:2: section 'app:main' already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"api-paste.ini": tt.ini, "other.ini": "[app:main]\n[app:main]\n"})
			_, err := testRegistry().LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestRegistrySpellings(t *testing.T) {
	// A distribution name compares as Python compares them; egg:DIST is
	// egg:DIST#main; call: and explicit keys of one object are one name.
	r := paste.NewRegistry()
	r.App("egg:oslo.middleware#healthcheck", echo)
	r.App("egg:MyDist", echo)
	r.App("call:svc.api:factory", echo)
	dir := writeFiles(t, map[string]string{"api-paste.ini": `
[composite:main]
use = egg:Paste#urlmap
/a = a
/b = b
/c = c
[app:a]
use = egg:Oslo_Middleware#healthcheck
name = a
[app:b]
use = egg:mydist#main
name = b
[app:c]
paste.app_factory = svc.api:factory
name = c
`})
	h, err := r.LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
	if err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"a", "b", "c"} {
		if got := get(t, h, "/"+app).App; got != app {
			t.Errorf("/%s served by %q", app, got)
		}
	}
}

func TestEggFactoryBringsItsProtocol(t *testing.T) {
	// As with a real entry point, an egg composite in an [app:] section
	// is called as a composite.
	dir := writeFiles(t, map[string]string{"api-paste.ini": "[app:main]\nuse = egg:Paste#urlmap\n/v1 = v1\n[app:v1]\nuse = egg:test#echo\nname = v1\n"})
	h, err := testRegistry().LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, h, "/v1/x"); got.App != "v1" || got.Script != "/v1" || got.Path != "/x" {
		t.Errorf("got %+v", got)
	}
}

func TestFilterAppFactory(t *testing.T) {
	wrap := func(next http.Handler, _, local map[string]string) (http.Handler, error) {
		if local["fail"] != "" {
			return nil, errors.New("refused")
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Add("X-Trail", "wrap-"+local["name"])
			next.ServeHTTP(w, r)
		}), nil
	}
	r := testRegistry()
	r.FilterApp("egg:test#wrap", wrap)
	r.FilterApp("test.wrap:factory", wrap)
	dir := writeFiles(t, map[string]string{"api-paste.ini": `
[filter-app:main]
use = egg:test#wrap
name = outer
next = pipe

[pipeline:pipe]
pipeline = inner app

[filter:inner]
paste.filter_app_factory = test.wrap:factory
name = inner

[app:app]
use = egg:test#echo

[composite:comp]
use = call:test.comp:factory
p = bad app

[filter:bad]
use = egg:test#wrap
fail = yes
`})
	file := filepath.Join(dir, "api-paste.ini")
	h, err := r.LoadApp(file, "main")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := get(t, h, "/").Trail, []string{"wrap-outer", "wrap-inner"}; !cmp.Equal(got, want) {
		t.Errorf("trail %q, want %q", got, want)
	}
	// A filter-app factory that fails when a composite applies it fails
	// the load.
	r.Composite("test.comp:factory", func(l *paste.Loader, g, local map[string]string) (http.Handler, error) {
		return l.Pipeline(local["p"], g)
	})
	_, err = r.LoadApp(file, "comp")
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), "[composite:comp] p") {
		t.Errorf("error %v, want the filter's refusal located at [composite:comp] p", err)
	}
}

func TestPipelineFactory(t *testing.T) {
	ini := `
[composite:api]
use = call:nova.api.auth:pipeline_factory_v21
keystone = one auth app
noauth2 = one app

[filter:one]
use = egg:test#tag
name = one
[filter:auth]
use = egg:test#tag
name = auth
[app:app]
use = egg:test#echo
`
	file := filepath.Join(writeFiles(t, map[string]string{"api-paste.ini": ini}), "api-paste.ini")
	for strategy, trail := range map[string][]string{"keystone": {"one", "auth"}, "noauth2": {"one"}} {
		r := testRegistry()
		r.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return strategy }))
		h, err := r.LoadApp(file, "api")
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, h, "/").Trail; !cmp.Equal(got, trail) {
			t.Errorf("%s: trail %q, want %q", strategy, got, trail)
		}
	}
	r := testRegistry()
	r.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return "oidc" }))
	if _, err := r.LoadApp(file, "api"); err == nil || !strings.Contains(err.Error(), `"oidc"`) {
		t.Errorf("unknown strategy: error %v", err)
	}
}

func TestLoaderKeysInFileOrder(t *testing.T) {
	var keys []string
	r := paste.NewRegistry()
	r.Composite("egg:test#c", func(l *paste.Loader, _, _ map[string]string) (http.Handler, error) {
		keys = l.Keys()
		return http.NotFoundHandler(), nil
	})
	dir := writeFiles(t, map[string]string{"api-paste.ini": "[composite:main]\nuse = egg:test#c\nz = 1\na = 2\nm = 3\n"})
	if _, err := r.LoadApp(filepath.Join(dir, "api-paste.ini"), "main"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"z", "a", "m"}; !cmp.Equal(keys, want) {
		t.Errorf("Keys() = %q, want %q", keys, want)
	}
}

func TestRegisterMistakesPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"empty name": func() { paste.NewRegistry().App(" ", echo) },
		"nil app":    func() { paste.NewRegistry().App("egg:x", nil) },
		"nil filter": func() { paste.NewRegistry().Filter("egg:x", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestDefaultRegistry(t *testing.T) {
	paste.RegisterApp("egg:goslo-test#default", echo)
	paste.DefaultRegistry.Handler("egg:goslo-test#handler", http.NotFoundHandler())
	paste.DefaultRegistry.Middleware("egg:goslo-test#mw", func(h http.Handler) http.Handler { return h })
	dir := writeFiles(t, map[string]string{"api-paste.ini": "[pipeline:main]\npipeline = mw app\n[filter:mw]\nuse = egg:goslo-test#mw\n[app:app]\nuse = egg:goslo-test#default\nname = d\n"})
	h, err := paste.LoadApp(filepath.Join(dir, "api-paste.ini"), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, h, "/").App; got != "d" {
		t.Errorf("served by %q", got)
	}
}

// TestConcurrentLoads loads one file from many goroutines with one
// registry (run with -race).
func TestConcurrentLoads(t *testing.T) {
	dir := writeFiles(t, map[string]string{"api-paste.ini": "[pipeline:main]\npipeline = one app\n[filter:one]\nuse = egg:test#tag\nname = one\n[app:app]\nuse = egg:test#echo\n"})
	r := testRegistry()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Filter(fmt.Sprintf("egg:test#extra%d", i), tag)
			h, err := r.LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
			if err == nil && h == nil {
				err = errors.New("nil handler")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func writeFile(name, text string) error { return os.WriteFile(name, []byte(text), 0o644) }

// TestOneNameSeveralKinds: oslo.middleware's egg entry "healthcheck" is
// both a paste.app_factory and a paste.filter_factory; the section decides.
func TestOneNameSeveralKinds(t *testing.T) {
	r := paste.NewRegistry()
	r.App("egg:oslo.middleware#healthcheck", func(_, _ map[string]string) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "app OK") }), nil
	})
	r.Filter("egg:oslo.middleware#healthcheck", func(_, _ map[string]string) (func(http.Handler) http.Handler, error) {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.URL.Path == "/healthcheck" {
					fmt.Fprint(w, "filter OK")
					return
				}
				next.ServeHTTP(w, req)
			})
		}, nil
	})
	r.App("egg:svc#api", echo)
	dir := writeFiles(t, map[string]string{"api-paste.ini": `
[composite:main]
use = egg:Paste#urlmap
/ = pipe
/status = hc

[pipeline:pipe]
pipeline = healthcheck api

[filter:healthcheck]
use = egg:oslo.middleware#healthcheck

[app:hc]
use = egg:oslo.middleware#healthcheck

[app:api]
use = egg:svc#api
`})
	h, err := r.LoadApp(filepath.Join(dir, "api-paste.ini"), "main")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/healthcheck": "filter OK", "/status": "app OK"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Body.String() != want {
			t.Errorf("%s: %q, want %q", path, w.Body, want)
		}
	}
	// An egg name that is both an app and a composite factory is
	// ambiguous for an application, as in find_egg_entry_point.
	r.Composite("egg:svc#api", paste.URLMapFactory)
	if _, err := r.LoadApp(filepath.Join(dir, "api-paste.ini"), "main"); !errors.Is(err, paste.ErrAmbiguous) {
		t.Errorf("app and composite under one egg name: error %v, want ErrAmbiguous", err)
	}
}

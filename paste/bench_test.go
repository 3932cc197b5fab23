package paste_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/goslo/goslo/paste"
)

// The request path through what LoadApp builds, against the same handler
// bare and against the same filters wired by hand: the loader adds nothing
// at request time but the urlmap dispatch.

// discard is a ResponseWriter that allocates nothing.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header       { return d.h }
func (*discard) Write(p []byte) (int, error) { return len(p), nil }
func (*discard) WriteHeader(int)             {}

var sink int

// endpoint stands for the API: it reads what a real one reads (the path
// and the script name it builds links from).
var endpoint = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	sink = len(r.URL.Path) + len(paste.ScriptName(r.Context()))
	w.WriteHeader(http.StatusNoContent)
})

// pass is a filter doing nothing, as cheap as a filter can be.
func pass(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

const benchIni = `
[composite:api]
use = egg:Paste#urlmap
/: versions
/v2.1: v21

[pipeline:v21]
pipeline = f1 f2 f3 app

[filter:f1]
use = egg:bench#pass
[filter:f2]
use = egg:bench#pass
[filter:f3]
use = egg:bench#pass
[app:app]
use = egg:bench#endpoint
[app:versions]
use = egg:bench#endpoint
`

func loadBench(b *testing.B) http.Handler {
	b.Helper()
	r := paste.NewRegistry()
	r.Middleware("egg:bench#pass", pass)
	r.Handler("egg:bench#endpoint", endpoint)
	dir := b.TempDir()
	file := filepath.Join(dir, "api-paste.ini")
	if err := writeFile(file, benchIni); err != nil {
		b.Fatal(err)
	}
	h, err := r.LoadApp(file, "api")
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func serve(b *testing.B, h http.Handler, target string) {
	b.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// BenchmarkBare is the endpoint alone.
func BenchmarkBare(b *testing.B) { serve(b, endpoint, "/servers") }

// BenchmarkHandWired is the three filters and the endpoint behind
// http.StripPrefix, wired by hand.
func BenchmarkHandWired(b *testing.B) {
	serve(b, http.StripPrefix("/v2.1", pass(pass(pass(endpoint)))), "/v2.1/servers")
}

// BenchmarkLoaded is the same through the loaded file: urlmap (prefix
// /v2.1, script name in the context) and the pipeline.
func BenchmarkLoaded(b *testing.B) { serve(b, loadBench(b), "/v2.1/servers") }

// BenchmarkLoadedRoot is a request the urlmap sends to its "/" mount
// (nothing to strip).
func BenchmarkLoadedRoot(b *testing.B) { serve(b, loadBench(b), "/") }

// BenchmarkURLMapPrefix is the urlmap alone in front of the endpoint.
func BenchmarkURLMapPrefix(b *testing.B) {
	m := &paste.URLMap{}
	for _, u := range []string{"/", "/v2", "/v2.1", "/healthcheck"} {
		if err := m.Handle(u, endpoint); err != nil {
			b.Fatal(err)
		}
	}
	serve(b, m, "/v2.1/servers")
}

// BenchmarkLoadApp is the load itself (parse, resolve, call factories).
func BenchmarkLoadApp(b *testing.B) {
	file, err := filepath.Abs("testdata/e2e/api-paste.ini")
	if err != nil {
		b.Fatal(err)
	}
	r := novaRegistry("keystone")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.LoadApp(file, "osapi_compute"); err != nil {
			b.Fatal(err)
		}
	}
}

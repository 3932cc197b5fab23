package api_test

import (
	"net/http"
	"testing"

	"github.com/goslo/goslo/examples/compute-api/api"
)

// benchWriter is a minimal ResponseWriter, so that the benchmarks count
// what the handlers cost, not a recorder's.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// BenchmarkRoot is GET / (the versions document) as wrk sends it, on the
// API alone ("bare", what bench/bareserver serves) and through the
// service's whole api-paste.ini pipeline (urlmap, request_id,
// http_proxy_to_wsgi, sizelimit, catch_errors, noauth2): the difference
// is what the pipeline costs per request, without the server and the
// network.
func BenchmarkRoot(b *testing.B) { benchGet(b, "/") }

// BenchmarkShowFlavor is GET /v2.1/flavors/1, a versioned resource (the
// microversion filter) read from the SQLite store.
func BenchmarkShowFlavor(b *testing.B) { benchGet(b, "/v2.1/flavors/1") }

func benchGet(b *testing.B, path string) {
	for _, tc := range []struct {
		name string
		h    func(b *testing.B) http.Handler
	}{
		{"bare", func(b *testing.B) http.Handler { return api.New(newStore(b), quiet) }},
		{"pipeline", func(b *testing.B) http.Handler { return pipeline(b, nil) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := tc.h(b)
			req, err := http.NewRequest("GET", "http://127.0.0.1:8774"+path, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.RequestURI, req.RemoteAddr = path, "127.0.0.1:40000"
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK || w.n == 0 {
					b.Fatalf("GET %s: %d, %d bytes", path, w.status, w.n)
				}
			}
		})
	}
}

package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkList is the benchmark's list measurement in process: GET
// /v2.1/servers?limit=10 (and its detail and marker variants) through the
// no-auth filter and the API on the real SQLite store, with GET / for
// scale. It shows what a request costs without the network and the
// server. cpu-ns/op is the process's CPU time (garbage collection
// included) per request: on a shared machine it is steadier than ns/op.
func BenchmarkList(b *testing.B) {
	h, _ := newAPI(b)
	for i := range 10 {
		createServer(b, h, "p1", "bench-"+strconv.Itoa(i))
	}
	first := do(h, "GET", "/v2.1/servers?limit=1", "", as("p1"))
	expect(b, first, http.StatusOK)
	marker := ids(b, doc(b, first), "servers")[0]
	for i := range 20 {
		createServer(b, h, "p1", "more-"+strconv.Itoa(i))
	}
	for _, bc := range []struct{ name, path string }{
		{"root", "/"},
		{"servers", "/v2.1/servers?limit=10"},
		{"servers-marker", "/v2.1/servers?limit=10&marker=" + marker},
		{"servers-detail", "/v2.1/servers/detail?limit=10"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			// net/http gives each request a context that ends when the
			// client goes away: the database drivers watch such a context.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := request("GET", bc.path, "", as("p1")).WithContext(ctx)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			expect(b, w, http.StatusOK)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, ok := cpuTime()
			for range b.N {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body)
				}
			}
			if cpu1, ok1 := cpuTime(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

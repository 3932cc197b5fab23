package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
)

// Benchmarks of each filter in process (a request through the filter
// around a trivial handler, with a response writer that does nothing),
// of the full pipeline, and of the pipeline end to end over HTTP against
// the same handler bare. testdata/bench.py times oslo.middleware on the
// same requests (WebOb, in process):
//
//	go test -run '^$' -bench . -benchmem ./middleware
//	/usr/bin/python3 middleware/testdata/bench.py

// nopWriter is the cheapest http.ResponseWriter.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

var trivial = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok")
})

func benchConf(b *testing.B) *config.Config {
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		b.Fatal(err)
	}
	return conf
}

func benchFilter(b *testing.B, h http.Handler, method string, body string, headerKV ...string) {
	b.Helper()
	r := httptest.NewRequest(method, "http://api.example.com/v2.1/servers", nil)
	for i := 0; i+1 < len(headerKV); i += 2 {
		r.Header.Set(headerKV[i], headerKV[i+1])
	}
	w := &nopWriter{h: http.Header{}}
	var br strings.Reader
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		if body != "" {
			br.Reset(body)
			r.Body = io.NopCloser(&br)
			r.ContentLength = int64(len(body))
		}
		h.ServeHTTP(w, r)
	}
}

func BenchmarkFilter(b *testing.B) {
	conf := benchConf(b)
	proxyOn := benchConf(b)
	if err := EnableProxyHeadersParsing.Override(proxyOn, true); err != nil {
		b.Fatal(err)
	}
	c := NewCORS()
	c.AddOrigin([]string{"https://dash.example.com"}, DefaultCORSPolicy())
	hc := &Healthcheck{Backends: []HealthcheckBackend{DisableByFile{Path: "/nonexistent/disable"}}}
	b.Run("bare", func(b *testing.B) { benchFilter(b, trivial, "GET", "") })
	b.Run("request_id", func(b *testing.B) { benchFilter(b, RequestID(trivial), "GET", "") })
	b.Run("correlation_id", func(b *testing.B) {
		benchFilter(b, CorrelationID(trivial), "GET", "", "X-Correlation-Id", "abc")
	})
	b.Run("catch_errors", func(b *testing.B) { benchFilter(b, CatchErrors(trivial), "GET", "") })
	b.Run("sizelimit", func(b *testing.B) {
		benchFilter(b, SizeLimitFromConfig(conf)(trivial), "POST", `{"server": {"name": "vm"}}`)
	})
	b.Run("http_proxy_to_wsgi/off", func(b *testing.B) {
		benchFilter(b, HTTPProxyToWSGIFromConfig(conf)(trivial), "GET", "", "X-Forwarded-Proto", "https")
	})
	b.Run("http_proxy_to_wsgi/on", func(b *testing.B) {
		benchFilter(b, HTTPProxyToWSGIFromConfig(proxyOn)(trivial), "GET", "",
			"X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com")
	})
	b.Run("cors/no_origin", func(b *testing.B) { benchFilter(b, c.Wrap(trivial), "GET", "") })
	b.Run("cors/actual", func(b *testing.B) {
		benchFilter(b, c.Wrap(trivial), "GET", "", "Origin", "https://dash.example.com")
	})
	b.Run("cors/preflight", func(b *testing.B) {
		benchFilter(b, c.Wrap(http.NotFoundHandler()), "OPTIONS", "", "Origin", "https://dash.example.com",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "Content-Type")
	})
	b.Run("healthcheck/text", func(b *testing.B) { benchFilter(b, hc, "GET", "") })
	b.Run("healthcheck/json", func(b *testing.B) { benchFilter(b, hc, "GET", "", "Accept", "application/json") })
	b.Run("pipeline", func(b *testing.B) { benchFilter(b, pipeline(conf, trivial), "GET", "") })
}

// pipeline is request_id → http_proxy_to_wsgi → sizelimit → catch_errors
// → h, the options read from conf.
func pipeline(conf *config.Config, h http.Handler) http.Handler {
	return RequestID(HTTPProxyToWSGIFromConfig(conf)(SizeLimitFromConfig(conf)(CatchErrors(h))))
}

// BenchmarkHTTP is end to end over loopback HTTP/1.1 with keep-alive,
// from several client goroutines: the pipeline's cost as a client sees
// it, against the same handler bare.
func BenchmarkHTTP(b *testing.B) {
	conf := benchConf(b)
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", trivial},
		{"pipeline", pipeline(conf, trivial)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := srv.URL + "/v2.1/servers"
			b.ReportAllocs()
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}

// BenchmarkHTTPInterleaved sends batches of requests to the bare
// handler and to the pipeline in turn, so that both see the same load
// on a shared machine, and reports each one's time per request and the
// ratio pipeline/bare (goal: at most 1.10).
func BenchmarkHTTPInterleaved(b *testing.B) {
	conf := benchConf(b)
	servers := []*httptest.Server{httptest.NewServer(trivial), httptest.NewServer(pipeline(conf, trivial))}
	defer servers[0].Close()
	defer servers[1].Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func(url string) {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, s := range servers {
		get(s.URL)
	}
	const batch = 200
	var spent [2]time.Duration
	var n [2]int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		for k, s := range servers {
			m := min(batch, b.N-i)
			if m <= 0 {
				break
			}
			url := s.URL + "/v2.1/servers"
			start := time.Now()
			for j := 0; j < m; j++ {
				get(url)
			}
			spent[k] += time.Since(start)
			n[k] += m
			i += m
		}
	}
	b.StopTimer()
	if n[0] > 0 && n[1] > 0 {
		bare := float64(spent[0].Nanoseconds()) / float64(n[0])
		pipe := float64(spent[1].Nanoseconds()) / float64(n[1])
		b.ReportMetric(bare, "bare-ns/req")
		b.ReportMetric(pipe, "pipeline-ns/req")
		b.ReportMetric(pipe/bare, "ratio")
	}
}

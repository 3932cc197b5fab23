package wsgi

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
	golog "github.com/goslo/goslo/log"
	"github.com/goslo/goslo/service"
)

// benchHandler is the application of the benchmarks: a small JSON answer.
var benchHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"versions": [{"id": "v2.1", "status": "CURRENT"}]}`)
})

// benchTarget starts a server kind ("bare": net/http alone; "wsgi": a
// Server with its access log formatted into io.Discard; "wsgi-nolog": a
// Server with the access log off) and returns its address.
func benchTarget(b *testing.B, kind string) string {
	b.Helper()
	if kind == "bare" {
		ln, err := service.Listen("tcp", testHost()+":0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: benchHandler}
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.Serve(ln)
		}()
		b.Cleanup(func() {
			srv.Close()
			<-done
		})
		return ln.Addr().String()
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if kind == "wsgi-nolog" {
		log = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := NewServer(loadConf(b, ""), "bench", benchHandler, ServerOptions{Host: testHost(), Log: log})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Stop(context.Background()) })
	return s.Addr().String()
}

// BenchmarkServe sends keep-alive requests over loopback, from as many
// clients as GOMAXPROCS, to the same handler behind net/http alone and
// behind a Server. ns/op is per request; allocs/op counts the client's
// and the server's, so the difference between the kinds is what the
// Server adds.
func BenchmarkServe(b *testing.B) {
	for _, kind := range []string{"bare", "wsgi-nolog", "wsgi"} {
		b.Run(kind, func(b *testing.B) {
			addr := benchTarget(b, kind)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				k := &keepAliveClient{addr: addr}
				defer k.close()
				for pb.Next() {
					if r, err := k.do("GET", "/", ""); err != nil || r.status != 200 {
						b.Errorf("%v %v", r.status, err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// nopWriter is a minimal ResponseWriter, so that BenchmarkServeHTTP counts
// only what the Server's request path costs.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(code int)        { w.status = code }

// BenchmarkServeHTTP is the Server's own cost per request, without the
// network: limits, pool, deadlines, the recorder and the access log line.
func BenchmarkServeHTTP(b *testing.B) {
	for _, tc := range []struct {
		name  string
		level slog.Level
		ini   string
		file  bool
	}{
		{"access-log", slog.LevelInfo, "", false},
		{"access-log-off", slog.LevelWarn, "", false},
		{"eventlet-format", slog.LevelInfo, "[DEFAULT]\nwsgi_log_format = %(client_ip)s - - [%(date_time)s] \"%(request_line)s\" %(status_code)s %(body_length)s %(wall_seconds).6f\n", false},
		// The service's set-up: goslo's log (oslo.log's default format),
		// a line written to the log file per request.
		{"access-log-file", slog.LevelInfo, "", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: tc.level}))
			if tc.file {
				log = fileLogger(b)
			}
			s := &Server{conf: loadConf(b, tc.ini), handler: benchHandler, network: "tcp", o: ServerOptions{Log: log}}
			st, err := s.settings()
			if err != nil {
				b.Fatal(err)
			}
			g := newGeneration(s, st, 1, nil)
			req, _ := http.NewRequest("GET", "/v2.1/servers?limit=10", nil)
			req.RequestURI, req.RemoteAddr = "/v2.1/servers?limit=10", "10.0.0.1:41234"
			req.Header.Set("User-Agent", "bench")
			req.Header.Set("Accept", "application/json")
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				g.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkWrk measures requests/s with wrk (if installed) against
// net/http alone, a Server (with its access log formatted by a
// slog.TextHandler into io.Discard, and without), and oslo.service's
// wsgi.Server (eventlet, its access log off) on the same handler, one
// process each, in one run: 2 threads, 50 connections, 3 s each. The
// figures are metrics; the loop does nothing.
func BenchmarkWrk(b *testing.B) {
	if _, err := os.Stat("/usr/bin/wrk"); err != nil {
		b.Skip("no /usr/bin/wrk")
	}
	run := func(addr string) (float64, string) {
		out, err := exec.Command("/usr/bin/wrk", "-t2", "-c50", "-d3s", "--latency", "http://"+addr+"/").CombinedOutput()
		if err != nil {
			b.Fatalf("wrk: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("wrk output: %s", out)
		}
		rps, _ := strconv.ParseFloat(string(m[1]), 64)
		p99 := ""
		if m := regexp.MustCompile(`99%\s+(\S+)`).FindSubmatch(out); m != nil {
			p99 = string(m[1])
		}
		if strings.Contains(string(out), "Socket errors") || strings.Contains(string(out), "Non-2xx") {
			b.Logf("wrk reports errors:\n%s", out)
		}
		return rps, p99
	}
	bare, bareP99 := run(benchTarget(b, "bare"))
	wsgi, wsgiP99 := run(benchTarget(b, "wsgi"))
	nolog, nologP99 := run(benchTarget(b, "wsgi-nolog"))
	b.Logf("p99 latency: bare %s, wsgi %s, wsgi without access log %s", bareP99, wsgiP99, nologP99)
	py := 0.0
	if addr, stop := eventletTarget(b); addr != "" {
		var pyP99 string
		py, pyP99 = run(addr)
		stop()
		b.Logf("p99 latency: eventlet %s", pyP99)
	}
	for b.Loop() {
	}
	// After the loop: b.Loop resets the metrics when it starts.
	b.ReportMetric(bare, "bare-req/s")
	b.ReportMetric(wsgi, "wsgi-req/s")
	b.ReportMetric(wsgi/bare, "wsgi/bare")
	b.ReportMetric(nolog, "wsgi-nolog-req/s")
	b.ReportMetric(nolog/bare, "wsgi-nolog/bare")
	if py > 0 {
		b.ReportMetric(py, "eventlet-req/s")
		b.ReportMetric(wsgi/py, "wsgi/eventlet")
	}
}

// eventletTarget starts oslo.service's wsgi.Server on the same answer.
func eventletTarget(b *testing.B) (string, func()) {
	script := strings.Replace(eventletServer, `start("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]`, `start("200 OK", [("Content-Type", "application/json")])
    return [b'{"versions": [{"id": "v2.1", "status": "CURRENT"}]}']`, 1)
	// eventlet's access log would go to stderr through oslo.log's
	// default; silence it the way an operator would not, to compare the
	// servers rather than the log handlers.
	script = strings.Replace(script, `s.start()`, `import logging; logging.getLogger("eventlet.wsgi.server").disabled = True
s.start()`, 1)
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil
	}
	if err := cmd.Start(); err != nil {
		return "", nil
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		b.Logf("oslo.service's wsgi.Server did not start: %v", err)
		return "", nil
	}
	addr := "127.0.0.1:" + strings.TrimSpace(line)
	// Wait for it to answer.
	for deadline := time.Now().Add(guard); time.Now().Before(deadline); {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
	}
	return addr, stop
}

// BenchmarkRestartUnderLoad restarts a server b.N times while 8
// keep-alive clients send requests back to back (never retrying), and
// reports the requests that failed per restart: with Server.Restart's
// drain, and with the usual net/http way (start a new http.Server on the
// socket, Shutdown the old one), which closes idle keep-alive
// connections at once.
func BenchmarkRestartUnderLoad(b *testing.B) {
	okApp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, kind := range []string{"wsgi-drain", "http-shutdown"} {
		b.Run(kind, func(b *testing.B) {
			var addr string
			var restart func()
			if kind == "wsgi-drain" {
				s, err := NewServer(loadConf(b, ""), "bench", okApp, ServerOptions{Host: testHost(), Log: discardLog()})
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Stop(context.Background()) })
				addr = s.Addr().String()
				restart = func() {
					if err := s.Restart(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				key := testHost() + ":0"
				var mu sync.Mutex
				var cur *http.Server
				var done chan struct{}
				serve := func() {
					ln, err := service.Listen("tcp", key)
					if err != nil {
						b.Fatal(err)
					}
					addr = ln.Addr().String()
					srv := &http.Server{Handler: okApp}
					d := make(chan struct{})
					go func() {
						defer close(d)
						srv.Serve(ln)
					}()
					mu.Lock()
					old, oldDone := cur, done
					cur, done = srv, d
					mu.Unlock()
					if old != nil {
						old.Shutdown(context.Background())
						<-oldDone
					}
				}
				serve()
				restart = serve
				b.Cleanup(func() {
					mu.Lock()
					defer mu.Unlock()
					cur.Shutdown(context.Background())
					<-done
				})
			}
			load := startLoad(addr, 8)
			for _, c := range load.clients {
				for c.done.Load() < 10 {
					runtime.Gosched()
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				restart()
				for _, c := range load.clients {
					from := c.done.Load()
					for c.done.Load() < from+5 {
						runtime.Gosched()
					}
				}
			}
			b.StopTimer()
			close(load.stop)
			load.wg.Wait()
			failed, total := 0, int64(0)
			for _, c := range load.clients {
				failed += len(c.failures)
				total += c.done.Load()
			}
			b.ReportMetric(float64(failed)/float64(b.N), "failed/restart")
			b.ReportMetric(float64(total), "requests")
		})
	}
}

// fileLogger sets goslo's log up as a service does, writing to a file of
// the benchmark's own, and returns the root logger.
func fileLogger(b *testing.B) *slog.Logger {
	b.Helper()
	conf := config.New()
	if err := golog.RegisterOptions(conf); err != nil {
		b.Fatal(err)
	}
	if err := conf.Load([]string{}, config.LoadOptions{DefaultConfigFiles: []string{},
		DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
		b.Fatal(err)
	}
	for k, v := range map[string]any{"log_file": filepath.Join(b.TempDir(), "bench.log"), "use_stderr": false} {
		if err := conf.SetOverride(config.DefaultGroup, k, v); err != nil {
			b.Fatal(err)
		}
	}
	h, err := golog.Setup(conf, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	return slog.New(h)
}

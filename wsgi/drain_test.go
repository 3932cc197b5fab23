package wsgi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowBody is what a slow request answers: big enough to take several
// writes.
var slowBody = strings.Repeat("0123456789abcdef", 16<<10)

// drainApp answers "/" at once and "/slow" once released, with slowBody
// written in pieces.
type drainApp struct {
	slowIn  atomic.Int32
	release chan struct{}
}

func newDrainApp() *drainApp { return &drainApp{release: make(chan struct{})} }

func (a *drainApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/slow" {
		io.WriteString(w, "ok")
		return
	}
	a.slowIn.Add(1)
	select {
	case <-a.release:
	case <-r.Context().Done():
		return
	}
	for i := 0; i < len(slowBody); i += 32 << 10 {
		io.WriteString(w, slowBody[i:i+32<<10])
	}
}

// loadGen runs keep-alive clients that send requests back to back until
// stopped, and counts what fails.
type loadGen struct {
	clients []*loopClient
	stop    chan struct{}
	wg      sync.WaitGroup
}

type loopClient struct {
	k        keepAliveClient
	done     atomic.Int64
	dials    atomic.Int64
	mu       sync.Mutex
	failures []error
}

func startLoad(addr string, n int) *loadGen {
	return startLoadCheck(addr, n, func(r result) bool { return r.status == 200 && r.body == "ok" })
}

// startLoadCheck is startLoad with the test of a good answer.
func startLoadCheck(addr string, n int, good func(result) bool) *loadGen {
	return startLoadWith(keepAliveClient{addr: addr}, n, good)
}

// startLoadWith runs n clients like proto.
func startLoadWith(proto keepAliveClient, n int, good func(result) bool) *loadGen {
	g := &loadGen{stop: make(chan struct{})}
	for i := 0; i < n; i++ {
		c := &loopClient{k: proto}
		g.clients = append(g.clients, c)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			defer c.k.close()
			for {
				select {
				case <-g.stop:
					return
				default:
				}
				r, err := c.k.do("GET", "/", "")
				if err == nil && !good(r) {
					err = fmt.Errorf("got %d %q", r.status, r.body)
				}
				if err != nil {
					c.mu.Lock()
					c.failures = append(c.failures, err)
					c.mu.Unlock()
				}
				c.done.Add(1)
				c.dials.Store(int64(c.k.dials))
			}
		}()
	}
	return g
}

// progress waits until every client has done n more requests.
func (g *loadGen) progress(t *testing.T, n int64) {
	t.Helper()
	for _, c := range g.clients {
		from := c.done.Load()
		waitFor(t, "load progress", func() bool { return c.done.Load() >= from+n })
	}
}

// reconnected waits until every client has dialed more than before.
func (g *loadGen) reconnected(t *testing.T, before []int64) {
	t.Helper()
	for i, c := range g.clients {
		waitFor(t, "every client to reconnect", func() bool { return c.dials.Load() > before[i] })
	}
}

func (g *loadGen) dials() []int64 {
	var out []int64
	for _, c := range g.clients {
		out = append(out, c.dials.Load())
	}
	return out
}

// finish stops the clients and fails the test for every failed request.
func (g *loadGen) finish(t *testing.T) (total int64) {
	t.Helper()
	close(g.stop)
	g.wg.Wait()
	for i, c := range g.clients {
		total += c.done.Load()
		for _, err := range c.failures {
			t.Errorf("client %d: failed request: %v", i, err)
		}
	}
	return total
}

// slowRequests sends n slow requests, each on its own connection.
func slowRequests(addr string, n int) chan result {
	out := make(chan result, n)
	for i := 0; i < n; i++ {
		go func() {
			k := &keepAliveClient{addr: addr}
			defer k.close()
			r, err := k.do("GET", "/slow", "")
			if err != nil {
				r.body = "error: " + err.Error()
			}
			out <- r
		}()
	}
	return out
}

func checkSlow(t *testing.T, results chan result, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		r := <-results
		if r.status != 200 || r.body != slowBody {
			b := r.body
			if len(b) > 100 {
				b = fmt.Sprintf("%d bytes", len(b))
			}
			t.Errorf("slow request: %d %s", r.status, b)
		}
		if !r.close {
			t.Errorf("slow request answered during the drain without Connection: close")
		}
	}
}

func waitDrained(t *testing.T, s *Server) {
	t.Helper()
	waitFor(t, "the old generations to drain", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.old) == 0
	})
}

// TestDrainOnRestart: keep-alive clients in a request loop and slow
// requests in flight across several restarts: no request fails, every
// slow request gets its whole response, and the clients move to the new
// generation.
func TestDrainOnRestart(t *testing.T) {
	app := newDrainApp()
	s := startServer(t, loadConf(t, ""), app, ServerOptions{})
	addr := s.Addr().String()
	load := startLoad(addr, 8)
	load.progress(t, 20)
	for round := 0; round < 3; round++ {
		const nSlow = 3
		app.slowIn.Store(0)
		app.release = make(chan struct{})
		slow := slowRequests(addr, nSlow)
		waitFor(t, "slow requests in flight", func() bool { return app.slowIn.Load() == nSlow })
		old := s.cur
		before := load.dials()
		if err := s.Restart(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s.cur == old {
			t.Fatal("no new generation")
		}
		load.reconnected(t, before)
		close(app.release)
		checkSlow(t, slow, nSlow)
		waitDrained(t, s)
		load.progress(t, 20)
	}
	if n := load.finish(t); n == 0 {
		t.Fatal("no request made")
	}
}

// TestDrainOnRestartTLS: the same over TLS, where an idle connection
// also has to be told from one in its handshake.
func TestDrainOnRestartTLS(t *testing.T) {
	p := newPKI(t)
	conf := loadConf(t, fmt.Sprintf("[ssl]\ncert_file = %s\nkey_file = %s\n", p.certFile, p.keyFile))
	s := startServer(t, conf, newDrainApp(), ServerOptions{UseSSL: true})
	cfg := &tls.Config{RootCAs: p.pool, ServerName: "localhost"}
	load := startLoadWith(keepAliveClient{addr: s.Addr().String(), tls: cfg}, 8,
		func(r result) bool { return r.status == 200 && r.body == "ok" })
	load.progress(t, 20)
	for round := 0; round < 3; round++ {
		before := load.dials()
		if err := s.Restart(context.Background()); err != nil {
			t.Fatal(err)
		}
		load.reconnected(t, before)
		waitDrained(t, s)
		load.progress(t, 20)
	}
	load.finish(t)
}

// TestDrainOnStop: a server stops while another one (as another worker
// process would) serves the same socket: clients move over, no request
// fails, the in-flight slow requests complete, and Stop returns once they
// have.
func TestDrainOnStop(t *testing.T) {
	conf := loadConf(t, "")
	host := testHost()
	app1, app2 := newDrainApp(), newDrainApp()
	s1, err := NewServer(conf, "one", app1, ServerOptions{Host: host, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	addr := s1.Addr().String()
	// While s1 is alone on the socket, every connection is its.
	load := startLoad(addr, 8)
	load.progress(t, 20)
	const nSlow = 3
	slow := slowRequests(addr, nSlow)
	waitFor(t, "slow requests in flight", func() bool { return app1.slowIn.Load() == nSlow })
	s2 := startServer(t, conf, app2, ServerOptions{Host: host})
	if s2.Addr().String() != addr {
		t.Fatalf("the servers do not share the socket: %s, %s", addr, s2.Addr())
	}
	g1 := s1.cur
	before := load.dials()
	stopped := make(chan error, 1)
	go func() { stopped <- s1.Stop(context.Background()) }()
	waitFor(t, "s1 to stop accepting", func() bool { return g1.draining.Load() })
	load.reconnected(t, before)
	load.progress(t, 20)
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned before the slow requests finished: %v", err)
	default:
	}
	close(app1.release)
	close(app2.release)
	checkSlow(t, slow, nSlow)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	load.progress(t, 20)
	load.finish(t)
}

// TestDrainClosesIdleConnections: a keep-alive connection left idle is
// closed once idle for DrainIdle; one on which a request comes during the
// drain is answered, with Connection: close.
func TestDrainClosesIdleConnections(t *testing.T) {
	s := startServer(t, loadConf(t, ""), http.HandlerFunc(hello), ServerOptions{DrainIdle: 100 * time.Millisecond})
	idle := &keepAliveClient{addr: s.Addr().String()}
	busy := &keepAliveClient{addr: s.Addr().String()}
	defer idle.close()
	defer busy.close()
	for _, k := range []*keepAliveClient{idle, busy} {
		if r, err := k.do("GET", "/", ""); err != nil || r.close {
			t.Fatalf("%v %v", r, err)
		}
	}
	if err := s.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := busy.do("GET", "/", "")
	if err != nil || r.status != 200 || !r.close {
		t.Fatalf("request during the drain: %+v %v", r, err)
	}
	idle.c.SetReadDeadline(time.Now().Add(guard))
	n, err := idle.c.Read(make([]byte, 1))
	if n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection: read %d, %v; want EOF", n, err)
	}
	waitDrained(t, s)
}

// TestStopDeadline: requests that outlive Stop's context are cut, and
// Stop says so.
func TestStopDeadline(t *testing.T) {
	app := newDrainApp()
	defer close(app.release)
	s, err := NewServer(loadConf(t, ""), "stuck", app, ServerOptions{Host: testHost(), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	slow := slowRequests(s.Addr().String(), 2)
	waitFor(t, "slow requests in flight", func() bool { return app.slowIn.Load() == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stop: %v", err)
	}
	for i := 0; i < 2; i++ {
		if r := <-slow; !strings.HasPrefix(r.body, "error: ") {
			t.Errorf("cut request answered: %d", r.status)
		}
	}
}

// TestStopFinishesRestartDrains: Stop also waits for (and, at its
// deadline, forces) the generations a Restart left draining.
func TestStopFinishesRestartDrains(t *testing.T) {
	app := newDrainApp()
	defer close(app.release)
	s, err := NewServer(loadConf(t, ""), "twice", app, ServerOptions{Host: testHost(), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	slow := slowRequests(s.Addr().String(), 1)
	waitFor(t, "slow request in flight", func() bool { return app.slowIn.Load() == 1 })
	if err := s.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stop: %v", err)
	}
	if r := <-slow; !strings.HasPrefix(r.body, "error: ") {
		t.Errorf("cut request answered: %d", r.status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.old) != 0 {
		t.Fatalf("%d generations still draining", len(s.old))
	}
}

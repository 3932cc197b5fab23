package wsgi

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A generation is one http.Server on one view of the socket, with the
// settings read when it started. Restart starts a new generation and
// drains the old one; the socket itself stays open throughout.
//
// Draining, unlike http.Server.Shutdown (which closes idle keep-alive
// connections at once, racing a client that is sending its next request
// on one right then): the view is closed so nothing new is accepted,
// every response from then on carries "Connection: close", and a
// connection is closed only when it has been idle (no request in flight,
// no byte of a next one received) for DrainIdle. A client in a request
// loop thus sends its next request, gets it answered with Connection:
// close and reconnects to the new generation; only a connection left
// idle that long is closed under it.
type generation struct {
	s   *Server
	st  *settings
	id  int
	srv *http.Server
	// view is this generation's listener on the shared socket.
	view net.Listener
	h    http.Handler
	sem  chan struct{}
	log  *slog.Logger

	draining atomic.Bool
	closing  atomic.Bool // the view was closed by this side

	mu         sync.Mutex
	conns      map[*trackedConn]struct{}
	drainStart time.Time
	changed    chan struct{} // poked on connection changes while draining

	serveDone chan struct{}
	drainOnce sync.Once
	cancelBG  context.CancelFunc // set by Restart: forces a background drain
}

func newGeneration(s *Server, st *settings, id int, view net.Listener) *generation {
	g := &generation{
		s: s, st: st, id: id, view: view, h: s.handler,
		sem:       make(chan struct{}, st.poolSize),
		log:       st.log,
		conns:     map[*trackedConn]struct{}{},
		changed:   make(chan struct{}, 1),
		serveDone: make(chan struct{}),
		cancelBG:  func() {},
	}
	g.srv = &http.Server{
		Handler:           g,
		ReadHeaderTimeout: st.timeout,
		IdleTimeout:       st.timeout,
		// Big enough that the limits eventlet applies (request line,
		// header line, total, count) are checked by ServeHTTP, with
		// eventlet's answers, for any request up to net/http's default
		// of 1 MB; beyond it net/http answers 431 itself.
		MaxHeaderBytes: max(http.DefaultMaxHeaderBytes, st.urlLimit+max(maxTotalHeaderSize, st.maxHeaderLine)+4096),
		ConnState:      g.connState,
		ErrorLog:       slog.NewLogLogger(st.log.Handler(), slog.LevelWarn),
	}
	var p http.Protocols
	p.SetHTTP1(true)
	g.srv.Protocols = &p
	g.srv.SetKeepAlivesEnabled(st.keepAlive)
	return g
}

// start serves in a goroutine the generation owns; drain waits for it.
func (g *generation) start() {
	var ln net.Listener = &genListener{Listener: g.view, g: g}
	if g.st.tls != nil {
		ln = tls.NewListener(ln, g.st.tls)
	}
	go func() {
		defer close(g.serveDone)
		err := g.srv.Serve(ln)
		if !g.closing.Load() {
			g.s.fail(fmt.Errorf("wsgi: %s: serve: %w", g.s.name, err))
		}
	}()
}

// genListener sets TCP keep-alive on accepted connections (oslo sets
// SO_KEEPALIVE and TCP_KEEPIDLE on the socket) and tracks them.
type genListener struct {
	net.Listener
	g *generation
}

func (l *genListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := baseConn(c).(*net.TCPConn); ok {
		tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: l.g.st.keepIdle, Interval: -1, Count: -1})
	}
	return &trackedConn{Conn: c}, nil
}

// baseConn unwraps what service.Listen's views (and TLS) wrap around the
// socket's connection.
func baseConn(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = u.NetConn()
	}
}

// trackedConn counts the reads that returned data, so that a draining
// generation can tell an idle connection from one on which bytes are
// arriving (the next request, a TLS handshake), and keeps the
// connection's state.
type trackedConn struct {
	net.Conn
	reads atomic.Uint64

	mu        sync.Mutex
	state     http.ConnState
	idleSince time.Time // zero: idle since before the drain began
	readsSeen uint64    // reads when last looked at
	seenAt    time.Time // when readsSeen last changed (zero: before the drain)
	closed    bool      // closed by the drain
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.reads.Add(1)
	}
	return n, err
}

// CloseWrite lets net/http half-close before closing, so a client still
// sending gets its error response rather than a reset.
func (c *trackedConn) CloseWrite() error {
	if cw, ok := baseConn(c.Conn).(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom gives net/http's response.ReadFrom the socket's own (sendfile,
// splice), past the wrappers of service.Listen, which only count
// connections and close them: without it net/http copies a file body
// through a buffer.
func (c *trackedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := baseConn(c.Conn).(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// NetConn returns the connection trackedConn wraps.
func (c *trackedConn) NetConn() net.Conn { return c.Conn }

func tracked(c net.Conn) *trackedConn {
	switch t := c.(type) {
	case *trackedConn:
		return t
	case *tls.Conn:
		tc, _ := t.NetConn().(*trackedConn)
		return tc
	}
	return nil
}

// connState is the http.Server's ConnState hook.
func (g *generation) connState(c net.Conn, st http.ConnState) {
	tc := tracked(c)
	if tc == nil {
		return
	}
	switch st {
	case http.StateNew, http.StateIdle:
		var since time.Time
		if g.draining.Load() {
			since = time.Now()
		}
		tc.mu.Lock()
		tc.state, tc.idleSince, tc.readsSeen = st, since, tc.reads.Load()
		tc.mu.Unlock()
		if st == http.StateNew {
			g.mu.Lock()
			g.conns[tc] = struct{}{}
			g.mu.Unlock()
		}
	case http.StateActive:
		tc.mu.Lock()
		tc.state = st
		tc.mu.Unlock()
	case http.StateHijacked, http.StateClosed:
		g.mu.Lock()
		delete(g.conns, tc)
		g.mu.Unlock()
	}
	if g.draining.Load() {
		select {
		case g.changed <- struct{}{}:
		default:
		}
	}
}

// beginDrain stops accepting and makes further responses close their
// connection.
func (g *generation) beginDrain() {
	g.drainOnce.Do(func() {
		g.mu.Lock()
		g.drainStart = time.Now()
		g.mu.Unlock()
		g.draining.Store(true)
		g.closing.Store(true)
		g.view.Close()
	})
}

// drain stops the generation: see the type's comment. It returns nil once
// every connection is closed, or ctx.Err() after closing those left when
// ctx is done.
func (g *generation) drain(ctx context.Context) error {
	g.beginDrain()
	<-g.serveDone
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		n, next := g.sweep(time.Now())
		if n == 0 {
			// Also wait for the connections the application hijacked:
			// the view counts every connection it accepted until closed.
			var err error
			if w, ok := g.view.(interface{ Wait(context.Context) error }); ok {
				err = w.Wait(ctx)
			}
			// Nothing is left that a client could still be using: only
			// now may net/http's own shutdown run.
			g.srv.Close()
			return err
		}
		if next.IsZero() {
			timer.Stop()
		} else {
			timer.Reset(time.Until(next))
		}
		select {
		case <-ctx.Done():
			g.closeAll()
			g.srv.Close()
			return ctx.Err()
		case <-g.changed:
		case <-timer.C:
		}
	}
}

// sweep closes the connections that have been idle for DrainIdle: no
// request in flight, and no byte received for that long. It returns how
// many connections are left and when the next one may have idled enough.
// Bytes received on an idle connection (a next request, a TLS handshake)
// postpone its closing: it will be served with Connection: close, or cut
// by client_socket_timeout if it stalls.
func (g *generation) sweep(now time.Time) (int, time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var next time.Time
	for tc := range g.conns {
		tc.mu.Lock()
		if r := tc.reads.Load(); r != tc.readsSeen {
			tc.readsSeen, tc.seenAt = r, now
		}
		if tc.closed || tc.state == http.StateActive {
			tc.mu.Unlock()
			continue
		}
		since := g.drainStart
		if tc.idleSince.After(since) {
			since = tc.idleSince
		}
		if tc.seenAt.After(since) {
			since = tc.seenAt
		}
		due := since.Add(g.st.drainIdle)
		if !now.Before(due) {
			tc.closed = true
			tc.Conn.Close()
		} else if next.IsZero() || due.Before(next) {
			next = due
		}
		tc.mu.Unlock()
	}
	return len(g.conns), next
}

// closeAll closes every connection of the generation.
func (g *generation) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for tc := range g.conns {
		tc.mu.Lock()
		tc.closed = true
		tc.mu.Unlock()
		tc.Conn.Close()
	}
}

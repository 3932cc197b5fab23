package wsgi

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/service"
)

// guard bounds every wait of the tests: reaching it is a failure (a hang),
// not a timing assertion.
const guard = 30 * time.Second

var hostSeq atomic.Uint32

// testHost returns a loopback address (127.0.0.0/8) no other test server
// uses: service.Listen keeps one socket per address for the whole
// process, so servers on "127.0.0.1:0" would share it.
func testHost() string {
	n := hostSeq.Add(1)
	return fmt.Sprintf("127.%d.%d.%d", 10+n/(254*254)%200, n/254%254+1, n%254+1)
}

// logRec is one captured log record.
type logRec struct {
	level slog.Level
	msg   string
	attrs map[string]string
	pc    uintptr
	time  time.Time
}

// capture is a slog.Handler that keeps the records and signals each one.
type capture struct {
	mu      *sync.Mutex
	recs    *[]logRec
	notify  chan struct{}
	preset  []slog.Attr
	minimum slog.Level
}

func newCapture() *capture {
	return &capture{mu: new(sync.Mutex), recs: new([]logRec), notify: make(chan struct{}, 1), minimum: slog.LevelDebug}
}

func (c *capture) Enabled(_ context.Context, l slog.Level) bool { return l >= c.minimum }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	rec := logRec{level: r.Level, msg: r.Message, attrs: map[string]string{}, pc: r.PC, time: r.Time}
	for _, a := range c.preset {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	c.mu.Lock()
	*c.recs = append(*c.recs, rec)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return nil
}

func (c *capture) WithAttrs(as []slog.Attr) slog.Handler {
	n := *c
	n.preset = append(append([]slog.Attr{}, c.preset...), as...)
	return &n
}

func (c *capture) WithGroup(string) slog.Handler { return c }

func (c *capture) logger() *slog.Logger { return slog.New(c) }

// wait returns the first record that satisfies pred, waiting for it.
func (c *capture) wait(t testing.TB, what string, pred func(logRec) bool) logRec {
	t.Helper()
	deadline := time.NewTimer(guard)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		for _, r := range *c.recs {
			if pred(r) {
				c.mu.Unlock()
				return r
			}
		}
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("no log record %s", what)
		}
	}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startServer starts a server for h on a fresh loopback address and stops
// it when the test ends.
func startServer(t testing.TB, conf *config.Config, h http.Handler, o ServerOptions) *Server {
	t.Helper()
	if o.Host == "" && o.SocketFile == "" {
		o.Host = testHost()
	}
	if o.Log == nil {
		o.Log = discardLog()
	}
	s, err := NewServer(conf, "test", h, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return s
}

// exchange sends raw bytes on a new connection and returns everything the
// server sends until it closes the connection.
func exchange(t testing.TB, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(guard))
	go func() {
		// Write while reading: the server may answer (and close) before
		// it has read everything.
		io.WriteString(c, req)
	}()
	out, err := io.ReadAll(c)
	if err != nil && !isReset(err) {
		t.Fatalf("read: %v (got %q)", err, out)
	}
	return string(out)
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// keepAliveClient sends requests one after the other on a keep-alive
// connection, and dials again when the server answers Connection: close.
// It never retries: any error is a failed request.
type keepAliveClient struct {
	addr string
	tls  *tls.Config // nil: plain HTTP
	c    net.Conn
	br   *bufio.Reader
	// dials counts connections made.
	dials int
}

type result struct {
	status int
	body   string
	close  bool
	header http.Header
}

func (k *keepAliveClient) do(method, path, body string) (result, error) {
	if k.c == nil {
		var c net.Conn
		var err error
		if k.tls != nil {
			c, err = tls.Dial("tcp", k.addr, k.tls)
		} else {
			c, err = net.Dial("tcp", k.addr)
		}
		if err != nil {
			return result{}, err
		}
		k.c, k.br = c, bufio.NewReader(c)
		k.dials++
	}
	k.c.SetDeadline(time.Now().Add(guard))
	req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n%s", method, path, len(body), body)
	if _, err := io.WriteString(k.c, req); err != nil {
		k.close()
		return result{}, err
	}
	resp, err := http.ReadResponse(k.br, nil)
	if err != nil {
		k.close()
		return result{}, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		k.close()
		return result{}, err
	}
	r := result{status: resp.StatusCode, body: string(b), close: resp.Close, header: resp.Header}
	if resp.Close {
		k.close()
	}
	return r, nil
}

func (k *keepAliveClient) close() {
	if k.c != nil {
		k.c.Close()
		k.c = nil
	}
}

// waitFor waits until cond holds, checking it whenever tick fires.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// serviceListen opens another view of s's socket.
func serviceListen(s *Server) (net.Listener, error) {
	return service.Listen(s.network, s.address)
}

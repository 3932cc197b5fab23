package wsgi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func hello(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }

func TestServeAndAccessLog(t *testing.T) {
	for _, tc := range []struct {
		name, ini, header, want string
	}{
		{"default format", "", "",
			`^(127\.[0-9.]+) "GET /hello\?x=1 HTTP/1\.1" status: 200  len: 5 time: \d+\.\d{7}$`},
		{"forwarded for", "", "X-Forwarded-For: 10.1.1.1, 10.2.2.2\r\n",
			`^10\.1\.1\.1,10\.2\.2\.2,(127\.[0-9.]+) "GET /hello\?x=1 HTTP/1\.1" status: 200  len: 5 time: \d+\.\d{7}$`},
		{"eventlet format", "[DEFAULT]\nwsgi_log_format = %(client_ip)s - - [%(date_time)s] \"%(request_line)s\" %(status_code)s %(body_length)s %(wall_seconds).6f\n", "",
			`^(127\.[0-9.]+) - - \[\d\d/[A-Z][a-z][a-z]/\d{4} \d\d:\d\d:\d\d\] "GET /hello\?x=1 HTTP/1\.1" 200 5 \d+\.\d{6}$`},
		{"repr and port", "[DEFAULT]\nwsgi_log_format = %(request_line)r %(client_port)d %(status_code)s\n", "",
			`^'GET /hello\?x=1 HTTP/1\.1' \d+ 200$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := newCapture()
			s := startServer(t, loadConf(t, tc.ini), http.HandlerFunc(hello), ServerOptions{Log: logs.logger()})
			out := exchange(t, s.Addr().String(), "GET /hello?x=1 HTTP/1.1\r\nHost: x\r\n"+tc.header+"Connection: close\r\n\r\n")
			if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(out, "\r\n\r\nhello") {
				t.Fatalf("response %q", out)
			}
			re := regexp.MustCompile(tc.want)
			rec := logs.wait(t, "access line", func(r logRec) bool { return re.MatchString(r.msg) })
			if rec.attrs["logger"] != "goslo.wsgi" {
				t.Errorf("logger attribute %q", rec.attrs["logger"])
			}
			// The source and time a log format can show.
			if f, _ := runtime.CallersFrames([]uintptr{rec.pc}).Next(); f.Function != "github.com/goslo/goslo/wsgi.(*generation).accessLog" {
				t.Errorf("access line's source %q (%s:%d)", f.Function, f.File, f.Line)
			}
			if time.Since(rec.time) > time.Hour || time.Until(rec.time) > 0 {
				t.Errorf("access line's time %v", rec.time)
			}
		})
	}
}

func TestNewServerErrors(t *testing.T) {
	for _, tc := range []struct{ name, ini, want string }{
		{"bad log format", "[DEFAULT]\nwsgi_log_format = %(nosuch)s\n", `wsgi_log_format "%(nosuch)s": unknown key "nosuch"`},
		{"log format type", "[DEFAULT]\nwsgi_log_format = %(request_line)d\n", `a real number is required, not str`},
		{"pool size", "[DEFAULT]\nwsgi_default_pool_size = 0\n", "wsgi_default_pool_size must be at least 1, not 0"},
		{"keepidle", "[DEFAULT]\ntcp_keepidle = 0\n", "tcp_keepidle must be at least 1 second, not 0"},
		{"header line", "[DEFAULT]\nmax_header_line = 0\n", "max_header_line must be at least 1"},
		{"timeout", "[DEFAULT]\nclient_socket_timeout = -1\n", "client_socket_timeout must be 0 (no timeout) or more, not -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewServer(loadConf(t, tc.ini), "api", http.HandlerFunc(hello), ServerOptions{Host: testHost(), Log: discardLog()})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "wsgi: api: ") {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestPoolSize: wsgi_default_pool_size caps the requests in the
// application at once; the others wait for a slot and are served.
func TestPoolSize(t *testing.T) {
	var in, most atomic.Int32
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := in.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		in.Add(-1)
		io.WriteString(w, "done")
	})
	s := startServer(t, loadConf(t, "[DEFAULT]\nwsgi_default_pool_size = 2\n"), h, ServerOptions{})
	const n = 5
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			k := &keepAliveClient{addr: s.Addr().String()}
			defer k.close()
			r, err := k.do("GET", "/", "")
			if err == nil && (r.status != 200 || r.body != "done") {
				err = fmt.Errorf("got %d %q", r.status, r.body)
			}
			errs <- err
		}()
	}
	g := s.cur
	waitFor(t, "every request read", func() bool { return activeConns(g) == n })
	waitFor(t, "two requests in the application", func() bool { return in.Load() == 2 })
	for i := 0; i < n; i++ {
		release <- struct{}{}
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if m := most.Load(); m != 2 {
		t.Fatalf("%d requests were in the application at once, want 2", m)
	}
}

func activeConns(g *generation) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for tc := range g.conns {
		tc.mu.Lock()
		if tc.state == http.StateActive {
			n++
		}
		tc.mu.Unlock()
	}
	return n
}

func bigHeaders(n, size int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "X-H%d: %s\r\n", i, strings.Repeat("v", size))
	}
	return b.String()
}

const statusOK = "HTTP/1.1 200 OK\r\n"

// malformed are requests at and beyond eventlet's limits, with goslo's
// answer (the start of the response) and how oslo's eventlet server
// answers the same bytes: "same" (the same status line), "code" (the same
// status code), or why goslo differs on purpose.
var malformed = []struct{ name, req, want, eventlet string }{
	{"garbage request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n",
		"eventlet answers as to HTTP/0.9: an HTML page without a status line"},
	{"method only", "GET\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n",
		"eventlet answers as to HTTP/0.9: an HTML page without a status line"},
	{"HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported",
		"eventlet sends its 505 as an HTML page without a status line"},
	{"negative content length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n", "code"},
	{"content length not a number", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n", "code"},
	{"header line of 20 kB", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n", "HTTP/1.0 400 Header Line Too Long\r\n", "same"},
	// "X-Big: " + value + CRLF: 16384 bytes is too long, 16383 is not.
	{"header line just too long", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 16384-9) + "\r\n\r\n", "HTTP/1.0 400 Header Line Too Long\r\n", "same"},
	{"header line just short enough", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + strings.Repeat("a", 16384-10) + "\r\n\r\n", statusOK, "same"},
	{"header line of 8 kB", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + strings.Repeat("a", 8000) + "\r\n\r\n", statusOK, "same"},
	{"URL of 10 kB", "GET /" + strings.Repeat("u", 10000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.0 414 Request URI Too Long\r\n", "same"},
	{"URL of 8000 B", "GET /" + strings.Repeat("u", 8000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", statusOK, "same"},
	{"request line of 8192 B", "GET /" + strings.Repeat("u", 8192-16) + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.0 414 Request URI Too Long\r\n", "same"},
	{"request line of 8191 B", "GET /" + strings.Repeat("u", 8192-17) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", statusOK, "same"},
	{"200 headers", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(200, 5) + "\r\n", "HTTP/1.1 431 Too many headers\r\n", "same"},
	{"101 header lines", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(100, 5) + "\r\n", "HTTP/1.1 431 Too many headers\r\n", "same"},
	{"100 header lines", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + bigHeaders(98, 5) + "\r\n", "HTTP/1.1 431 Too many headers\r\n", "same"},
	{"99 header lines", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + bigHeaders(97, 5) + "\r\n", statusOK, "same"},
	{"headers over 64 kB", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(9, 8000) + "\r\n", "HTTP/1.0 400 Headers Too Large\r\n", "same"},
	{"100 lines of 700 B", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(99, 700) + "\r\n", "HTTP/1.0 400 Headers Too Large\r\n", "same"},
	{"120 lines of 560 B", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(119, 560) + "\r\n", "HTTP/1.1 431 Too many headers\r\n", "same"},
	{"headers of 1 MB", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(99, 10000) + "\r\n", "HTTP/1.0 400 Headers Too Large\r\n", "same"},
	{"headers of 2 MB", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeaders(99, 20000) + "\r\n", "HTTP/1.1 431 Request Header Fields Too Large\r\n",
		"net/http stops reading at 1 MB and answers 431 itself; eventlet stops at 64 kB"},
	{"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n",
		"eventlet ignores the line; net/http rejects it, as RFC 9112 asks"},
	{"TLS hello on plain HTTP", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n",
		"eventlet answers as to HTTP/0.9: an HTML page without a status line"},
	{"pipelined", "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", statusOK, "same"},
}

// TestMalformedRequests: every request beyond a limit gets its 4xx and the
// connection is closed, never a hang.
func TestMalformedRequests(t *testing.T) {
	s := startServer(t, loadConf(t, ""), http.HandlerFunc(hello), ServerOptions{})
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			out := exchange(t, s.Addr().String(), tc.req)
			if !strings.HasPrefix(out, tc.want) {
				if len(out) > 200 {
					out = out[:200] + "..."
				}
				t.Fatalf("got %q, want %q", out, tc.want)
			}
			if tc.name == "pipelined" && strings.Count(out, statusOK) != 2 {
				t.Fatalf("pipelined: %q", out)
			}
		})
	}
}

const eventletServer = `
import eventlet
eventlet.monkey_patch()
from oslo_config import cfg
from oslo_service import wsgi
conf = cfg.ConfigOpts()
conf([])
def app(env, start):
    start("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
s = wsgi.Server(conf, "test", app, host="127.0.0.1", port=0)
s.start()
print(s.port, flush=True)
s._server.wait()  # the server greenthread: runs until killed
`

// TestMalformedRequestsAgainstEventlet sends the same bytes to oslo's
// wsgi.Server (eventlet) and compares the answers.
func TestMalformedRequestsAgainstEventlet(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3: the oracle is not available")
	}
	cmd := exec.Command("/usr/bin/python3", "-c", eventletServer)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Skipf("oslo.service's wsgi.Server did not start: %v\n%s", err, stderr.String())
	}
	addr := "127.0.0.1:" + strings.TrimSpace(line)
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			if tc.eventlet != "same" && tc.eventlet != "code" {
				t.Skip("goslo differs on purpose: " + tc.eventlet)
			}
			out := exchange(t, addr, tc.req)
			got, _, _ := strings.Cut(out, "\r\n")
			want, _, _ := strings.Cut(tc.want, "\r\n")
			if tc.eventlet == "code" {
				got, want = statusCode(got), statusCode(want)
			}
			if got != want {
				t.Fatalf("eventlet answers %q, goslo %q", got, want)
			}
		})
	}
}

func statusCode(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return line
	}
	return f[1]
}

// TestMaxHeaderLineOption: max_header_line is the operator's.
func TestMaxHeaderLineOption(t *testing.T) {
	s := startServer(t, loadConf(t, "[DEFAULT]\nmax_header_line = 1000\n"), http.HandlerFunc(hello), ServerOptions{})
	for _, tc := range []struct {
		size int
		want string
	}{{900, "HTTP/1.1 200 OK"}, {995, "HTTP/1.0 400 Header Line Too Long"}, {2000, "HTTP/1.0 400 Header Line Too Long"}} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			out := exchange(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: "+strings.Repeat("a", tc.size)+"\r\n\r\n")
			if !strings.HasPrefix(out, tc.want) {
				t.Fatalf("got %.80q", out)
			}
		})
	}
}

// TestMaxURLLen: oslo's max_url_len.
func TestMaxURLLen(t *testing.T) {
	s := startServer(t, loadConf(t, ""), http.HandlerFunc(hello), ServerOptions{MaxURLLen: 100})
	for _, tc := range []struct {
		n    int
		want string
	}{{50, "HTTP/1.1 200 OK"}, {100, "HTTP/1.0 414 Request URI Too Long"}} {
		out := exchange(t, s.Addr().String(), "GET /"+strings.Repeat("u", tc.n)+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(out, tc.want) {
			t.Errorf("%d: got %.80q", tc.n, out)
		}
	}
}

// TestHugeBodies: big bodies stream through; a body the application does
// not read does not hang the connection.
func TestHugeBodies(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ignore" {
			io.WriteString(w, "ignored")
			return
		}
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Fprintf(w, "%d", n)
	})
	s := startServer(t, loadConf(t, "[DEFAULT]\nclient_socket_timeout = 5\n"), h, ServerOptions{})
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	const size = 64 << 20
	for _, tc := range []struct {
		name    string
		path    string
		chunked bool
		want    string
	}{
		{"content-length", "/", false, fmt.Sprint(size)},
		{"chunked", "/", true, fmt.Sprint(size)},
		{"unread", "/ignore", false, "ignored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = io.LimitReader(zeros{}, size)
			req, _ := http.NewRequest("POST", "http://"+s.Addr().String()+tc.path, body)
			if !tc.chunked {
				req.ContentLength = size
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != tc.want {
				t.Fatalf("got %d %q", resp.StatusCode, b)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestKeepAliveOption(t *testing.T) {
	for _, tc := range []struct {
		ini       string
		wantClose bool
	}{{"", false}, {"[DEFAULT]\nwsgi_keep_alive = false\n", true}} {
		t.Run(fmt.Sprint("close=", tc.wantClose), func(t *testing.T) {
			s := startServer(t, loadConf(t, tc.ini), http.HandlerFunc(hello), ServerOptions{})
			k := &keepAliveClient{addr: s.Addr().String()}
			defer k.close()
			for i := 0; i < 3; i++ {
				r, err := k.do("GET", "/", "")
				if err != nil {
					t.Fatal(err)
				}
				if r.close != tc.wantClose {
					t.Fatalf("request %d: Connection: close is %v", i, r.close)
				}
			}
			if want := map[bool]int{false: 1, true: 3}[tc.wantClose]; k.dials != want {
				t.Fatalf("%d connections for 3 requests, want %d", k.dials, want)
			}
		})
	}
}

// TestClientSocketTimeout: idle and stalled clients are cut; a slow but
// steady upload is not (the timeout is per socket operation, as in
// eventlet, not for the whole request).
func TestClientSocketTimeout(t *testing.T) {
	var bodyErr, writeErr atomic.Value
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			chunk := make([]byte, 64<<10)
			for i := 0; i < 4096; i++ { // 256 MB, far more than socket buffers hold
				if _, err := w.Write(chunk); err != nil {
					writeErr.Store(err.Error())
					return
				}
			}
			return
		}
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			bodyErr.Store(err.Error())
			return
		}
		fmt.Fprintf(w, "%d", n)
	})
	s := startServer(t, loadConf(t, "[DEFAULT]\nclient_socket_timeout = 1\n"), h, ServerOptions{})
	addr := s.Addr().String()

	cutOff := func(t *testing.T, c net.Conn) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(guard))
		_, err := io.ReadAll(c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the server did not close the connection")
		}
	}
	t.Run("half a header", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Half: ")
		cutOff(t, c)
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		t.Parallel()
		k := &keepAliveClient{addr: addr}
		defer k.close()
		if _, err := k.do("POST", "/", "abc"); err != nil {
			t.Fatal(err)
		}
		cutOff(t, k.c)
	})
	t.Run("connected, silent", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		cutOff(t, c)
	})
	t.Run("stalled body", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part")
		cutOff(t, c)
		waitFor(t, "the handler to see the timeout", func() bool { return bodyErr.Load() != nil })
		if e := bodyErr.Load().(string); !strings.Contains(e, "timeout") {
			t.Fatalf("body read error %q", e)
		}
	})
	t.Run("response never read", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
		waitFor(t, "the response write to time out", func() bool { return writeErr.Load() != nil })
		if e := writeErr.Load().(string); !strings.Contains(e, "timeout") {
			t.Fatalf("write error %q", e)
		}
	})
	t.Run("slow steady upload", func(t *testing.T) {
		t.Parallel()
		pr, pw := io.Pipe()
		go func() {
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for i := 0; i < 10; i++ { // 2.5 s in all, more than the timeout
				<-tick.C
				if _, err := pw.Write([]byte("0123456789")); err != nil {
					return
				}
			}
			pw.Close()
		}()
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		req, _ := http.NewRequest("POST", "http://"+addr+"/", pr)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "100" {
			t.Fatalf("got %d %q", resp.StatusCode, b)
		}
	})
}

// TestNoTimeout: client_socket_timeout = 0 sets no deadline at all.
func TestNoTimeout(t *testing.T) {
	s := startServer(t, loadConf(t, "[DEFAULT]\nclient_socket_timeout = 0\n"), http.HandlerFunc(hello), ServerOptions{})
	srv := s.cur.srv
	if srv.ReadHeaderTimeout != 0 || srv.IdleTimeout != 0 || srv.ReadTimeout != 0 || srv.WriteTimeout != 0 {
		t.Fatalf("timeouts set: %+v", srv)
	}
	s2 := startServer(t, loadConf(t, "[DEFAULT]\nclient_socket_timeout = 7\n"), http.HandlerFunc(hello), ServerOptions{})
	if srv := s2.cur.srv; srv.ReadHeaderTimeout != 7*time.Second || srv.IdleTimeout != 7*time.Second {
		t.Fatalf("timeouts: %v %v", srv.ReadHeaderTimeout, srv.IdleTimeout)
	}
}

func TestServerDebug(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/late" {
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Leak", "internal")
		panic("boom requested")
	})
	for _, tc := range []struct {
		ini      string
		wantBody string
	}{{"", ""}, {"[DEFAULT]\nwsgi_server_debug = true\n", "boom requested"}} {
		t.Run(tc.ini, func(t *testing.T) {
			logs := newCapture()
			s := startServer(t, loadConf(t, tc.ini), h, ServerOptions{Log: logs.logger()})
			out := exchange(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			head, body, _ := strings.Cut(out, "\r\n\r\n")
			if !strings.HasPrefix(head, "HTTP/1.1 500 Internal Server Error\r\n") || !strings.Contains(head, "Content-Type: text/plain") ||
				strings.Contains(head, "X-Leak") || !strings.Contains(head, "Connection: close") {
				t.Fatalf("head %q", head)
			}
			if tc.wantBody == "" && body != "" || !strings.Contains(body, tc.wantBody) {
				t.Fatalf("body %q", body)
			}
			logs.wait(t, "the panic logged", func(r logRec) bool {
				return r.level == slog.LevelError && r.attrs["panic"] == "boom requested" && strings.Contains(r.attrs["stack"], "server_test.go")
			})
			// Once the response has begun, the connection is cut.
			out = exchange(t, s.Addr().String(), "GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
			if !strings.HasPrefix(out, "HTTP/1.1 200 OK") || strings.HasSuffix(out, "0\r\n\r\n") {
				t.Fatalf("late panic: %q", out)
			}
		})
	}
}

func TestTCPKeepIdle(t *testing.T) {
	s := startServer(t, loadConf(t, "[DEFAULT]\ntcp_keepidle = 42\n"), http.HandlerFunc(hello), ServerOptions{})
	// A second view of the server's socket, with this server's settings.
	view, err := serviceListen(s)
	if err != nil {
		t.Fatal(err)
	}
	defer view.Close()
	ln := &genListener{Listener: view, g: s.cur}
	accepted := make(chan net.Conn, 1)
	go func() {
		// Connect until this view accepts (the running generation
		// accepts on the same socket too).
		for {
			select {
			case <-accepted:
				return
			default:
			}
			c, err := net.Dial("tcp", s.Addr().String())
			if err != nil {
				return
			}
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			io.ReadAll(c)
			c.Close()
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := baseConn(c).(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var idle, on int
	raw.Control(func(fd uintptr) {
		idle, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
		on, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
	})
	close(accepted)
	if idle != 42 || on != 1 {
		t.Fatalf("TCP_KEEPIDLE %d, SO_KEEPALIVE %d", idle, on)
	}
}

func TestUnixSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.sock")
	logs := newCapture()
	s := startServer(t, loadConf(t, "[DEFAULT]\nwsgi_log_format = %(client_ip)s:%(client_port)s %(status_code)s\n"),
		http.HandlerFunc(hello), ServerOptions{SocketFile: path, SocketMode: 0o600, Log: logs.logger()})
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket file: %v %v", fi, err)
	}
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	out, _ := io.ReadAll(c)
	if !strings.HasSuffix(string(out), "hello") {
		t.Fatalf("got %q", out)
	}
	logs.wait(t, "access line", func(r logRec) bool { return r.msg == "unix: 200" })
	if s.Port() != 0 {
		t.Errorf("port %d", s.Port())
	}
}

func TestLifecycle(t *testing.T) {
	conf := loadConf(t, "")
	s, err := NewServer(conf, "life", http.HandlerFunc(hello), ServerOptions{Host: testHost(), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Restart(ctx); err == nil {
		t.Error("restart before start")
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Errorf("second start: %v", err)
	}
	get := func() string {
		return exchange(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	}
	if out := get(); !strings.HasSuffix(out, "hello") {
		t.Fatalf("got %q", out)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	// Start again after Stop: the socket was kept.
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if out := get(); !strings.HasSuffix(out, "hello") {
		t.Fatalf("after restart: %q", out)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Name() != "life" {
		t.Errorf("name %q", s.Name())
	}
	select {
	case <-s.Failed():
		t.Fatalf("failed: %v", s.Err())
	default:
	}
}

// TestStopBeforeStart releases the socket view NewServer opened.
func TestStopBeforeStart(t *testing.T) {
	s, err := NewServer(loadConf(t, ""), "idle", http.HandlerFunc(hello), ServerOptions{Host: testHost(), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type brokenListener struct{ net.Listener }

func (brokenListener) Accept() (net.Conn, error) { return nil, errors.New("socket broke") }

// TestFailed: an unexpected end of serving closes Failed.
func TestFailed(t *testing.T) {
	s, err := NewServer(loadConf(t, ""), "fragile", http.HandlerFunc(hello), ServerOptions{Host: testHost(), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	s.spare = brokenListener{s.spare}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Failed():
	case <-time.After(guard):
		t.Fatal("Failed not closed")
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "wsgi: fragile: serve: socket broke") {
		t.Fatalf("err %v", err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestRestartAppliesSettings: the new generation reads the options again;
// invalid ones keep the running generation.
func TestRestartAppliesSettings(t *testing.T) {
	conf := loadConf(t, "")
	logs := newCapture()
	s := startServer(t, conf, http.HandlerFunc(hello), ServerOptions{Log: logs.logger()})
	k := &keepAliveClient{addr: s.Addr().String()}
	defer k.close()
	if r, err := k.do("GET", "/", ""); err != nil || r.close {
		t.Fatalf("%v %v", r, err)
	}
	if err := KeepAlive.Override(conf, false); err != nil {
		t.Fatal(err)
	}
	if err := LogFormat.Override(conf, "new %(status_code)s"); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The old connection is answered with Connection: close, the next
	// one by the new generation: no keep-alive, new log format.
	for i := 0; i < 2; i++ {
		r, err := k.do("GET", "/", "")
		if err != nil || !r.close {
			t.Fatalf("request %d: %v %v", i, r, err)
		}
	}
	logs.wait(t, "new format", func(r logRec) bool { return r.msg == "new 200" })

	if err := LogFormat.Override(conf, "%(bad)s"); err != nil {
		t.Fatal(err)
	}
	err := s.Restart(context.Background())
	if err == nil || !strings.Contains(err.Error(), "still serving with the previous settings") {
		t.Fatalf("restart: %v", err)
	}
	if r, err := k.do("GET", "/", ""); err != nil || r.status != 200 {
		t.Fatalf("after failed restart: %v %v", r, err)
	}
}

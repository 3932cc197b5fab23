package wsgi

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ServeHTTP serves one request of the generation: eventlet's header
// limits, the pool, client_socket_timeout on body reads and response
// writes, Connection: close while draining, panics as 500, and the
// access log line.
func (g *generation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rej := g.checkLimits(r); rej != nil {
		rej.write(w)
		return
	}
	select {
	case g.sem <- struct{}{}:
	default:
		// The pool is full: wait for a slot, as a green pool does.
		select {
		case g.sem <- struct{}{}:
		case <-r.Context().Done():
			return
		}
	}
	defer func() { <-g.sem }()

	// wall_seconds starts here, with the application, as in eventlet
	// (whose pool wait happens before the request is read).
	start := time.Now()
	rec := recorderPool.Get().(*recorder)
	*rec = recorder{w: w, g: g, status: http.StatusOK}
	if g.st.timeout > 0 {
		rec.dl, _ = w.(deadliner)
		if rec.dl != nil {
			rec.dl.SetWriteDeadline(start.Add(g.st.timeout))
			rec.lastWrite = start
			if r.Body != nil && r.Body != http.NoBody {
				rec.body = bodyReader{rc: r.Body, rec: rec}
				r.Body = &rec.body
			}
		}
	}
	g.serve(rec, r)
	if !rec.wroteHeader && !rec.hijacked && g.draining.Load() {
		w.Header().Set("Connection", "close")
	}
	if !rec.hijacked {
		g.accessLog(r, rec, start)
	}
	*rec = recorder{}
	recorderPool.Put(rec)
}

// serve calls the application. A panic becomes a 500 (with the panic and
// stack in the body when wsgi_server_debug is set, as eventlet sends the
// traceback), or aborts the connection if the response had begun.
func (g *generation) serve(rec *recorder, r *http.Request) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		stack := debug.Stack()
		g.log.ErrorContext(r.Context(), "Unhandled error while serving request",
			"request_line", r.Method+" "+r.RequestURI+" "+r.Proto, "panic", fmt.Sprint(p), "stack", string(stack))
		if rec.wroteHeader || rec.hijacked {
			panic(http.ErrAbortHandler)
		}
		var body string
		if g.st.debug {
			body = fmt.Sprintf("%v\n\n%s", p, stack)
		}
		h := rec.w.Header()
		for k := range h {
			delete(h, k)
		}
		h.Set("Content-Type", "text/plain")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Connection", "close")
		rec.WriteHeader(http.StatusInternalServerError)
		io.WriteString(rec, body)
	}()
	g.h.ServeHTTP(rec, r)
}

// deadliner is what net/http's ResponseWriter offers for per-request
// deadlines (the methods http.ResponseController calls).
type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

var recorderPool = sync.Pool{New: func() any { return new(recorder) }}

// recorder is the ResponseWriter the application gets: it notes the
// status and body length for the access log, adds Connection: close when
// the response begins during a drain, and moves the write deadline on as
// the response is written (client_socket_timeout is per socket operation
// in eventlet, not for the whole response).
type recorder struct {
	w           http.ResponseWriter
	g           *generation
	dl          deadliner // nil: no timeout
	status      int
	wroteHeader bool
	hijacked    bool
	n           int64
	lastWrite   time.Time
	body        bodyReader
}

func (rw *recorder) Header() http.Header { return rw.w.Header() }

// begin records the final status, once.
func (rw *recorder) begin(code int) {
	rw.wroteHeader = true
	rw.status = code
	if rw.g.draining.Load() {
		rw.w.Header().Set("Connection", "close")
	}
}

func (rw *recorder) WriteHeader(code int) {
	if !rw.wroteHeader && !rw.hijacked && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		rw.begin(code)
	}
	rw.w.WriteHeader(code)
}

func (rw *recorder) bump() {
	if rw.dl == nil {
		return
	}
	now := time.Now()
	if now.Sub(rw.lastWrite) > rw.g.st.timeout/4 {
		rw.dl.SetWriteDeadline(now.Add(rw.g.st.timeout))
		rw.lastWrite = now
	}
}

func (rw *recorder) Write(p []byte) (int, error) {
	if !rw.wroteHeader {
		rw.begin(http.StatusOK)
	}
	rw.bump()
	n, err := rw.w.Write(p)
	rw.n += int64(n)
	return n, err
}

func (rw *recorder) WriteString(s string) (int, error) {
	if !rw.wroteHeader {
		rw.begin(http.StatusOK)
	}
	rw.bump()
	n, err := io.WriteString(rw.w, s)
	rw.n += int64(n)
	return n, err
}

// readFromChunk is how much of a body ReadFrom copies before moving the
// write deadline on, when there is a client_socket_timeout: what
// io.Copy writes at a time through Write.
const readFromChunk = 32 << 10

// ReadFrom keeps net/http's ReadFrom (sendfile or splice for a body of
// known length, else its pooled buffer): without it io.Copy to the
// response would copy through a new 32 KiB buffer per call. With a
// client_socket_timeout the body is copied readFromChunk bytes at a
// time, the write deadline moved on between them as Write moves it.
func (rw *recorder) ReadFrom(src io.Reader) (int64, error) {
	if !rw.wroteHeader {
		rw.begin(http.StatusOK)
	}
	rf, ok := rw.w.(io.ReaderFrom)
	if !ok {
		return io.Copy(struct{ io.Writer }{rw}, src)
	}
	if rw.dl == nil {
		n, err := rf.ReadFrom(src)
		rw.n += n
		return n, err
	}
	var total int64
	lr := &io.LimitedReader{R: src}
	for {
		rw.bump()
		lr.N = readFromChunk
		n, err := rf.ReadFrom(lr)
		total += n
		rw.n += n
		if err != nil || n < readFromChunk {
			// A short copy is the end of src (ReadFrom stops at EOF
			// without an error).
			return total, err
		}
	}
}

// Flush implements http.Flusher.
func (rw *recorder) Flush() { rw.FlushError() }

// FlushError is what http.ResponseController.Flush calls.
func (rw *recorder) FlushError() error {
	if !rw.wroteHeader {
		rw.begin(http.StatusOK)
	}
	rw.bump()
	return http.NewResponseController(rw.w).Flush()
}

// Hijack implements http.Hijacker.
func (rw *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, brw, err
}

// Unwrap gives http.ResponseController the ResponseWriter of net/http.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.w }

// bodyReader moves the read deadline on as the request body is read.
type bodyReader struct {
	rc       io.ReadCloser
	rec      *recorder
	last     time.Time
	finished bool
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if !b.finished {
		now := time.Now()
		if now.Sub(b.last) > b.rec.g.st.timeout/4 {
			b.rec.dl.SetReadDeadline(now.Add(b.rec.g.st.timeout))
			b.last = now
		}
	}
	n, err := b.rc.Read(p)
	if err != nil {
		// At the end of the body net/http clears the deadline and reads
		// in the background; do not set it again.
		b.finished = true
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.rc.Close() }

// accessLog writes the wsgi_log_format line at INFO.
func (g *generation) accessLog(r *http.Request, rec *recorder, start time.Time) {
	ctx := r.Context()
	if !g.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	end := time.Now()
	ar := accessRecord{
		when: end, method: r.Method, uri: r.RequestURI, proto: r.Proto,
		status: rec.status, bodyLength: rec.n, wall: end.Sub(start),
	}
	if g.s.network == "unix" {
		ar.clientIP, ar.unix = "unix", true
	} else {
		ar.clientIP, ar.clientPort = splitRemote(r.RemoteAddr)
	}
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		ar.clientIP = strings.ReplaceAll(fwd, " ", "") + "," + ar.clientIP
	}
	bp := lineBufPool.Get().(*[]byte)
	b := g.st.logFormat.appendLine((*bp)[:0], &ar)
	// What g.log.LogAttrs does, without its runtime.Callers and
	// time.Now per line: the source of the line is always here, and
	// the time is end.
	pc := accessLogPC.Load()
	if pc == 0 {
		pc = callerPC()
		accessLogPC.Store(pc)
	}
	g.log.Handler().Handle(ctx, slog.NewRecord(end, slog.LevelInfo, string(b), pc))
	*bp = b
	lineBufPool.Put(bp)
}

// accessLogPC is the program counter of the access log's lines (their
// source for %(pathname)s, %(lineno)d, %(funcName)s), found once.
var accessLogPC atomic.Uintptr

// callerPC returns the program counter of its caller's call, as
// slog.Logger records it.
func callerPC() uintptr {
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	return pcs[0]
}

var lineBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// splitRemote splits "host:port" ("[::1]:80" too) without allocating.
func splitRemote(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return addr, 0
	}
	port, _ := strconv.Atoi(addr[i+1:])
	host := addr[:i]
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return host, port
}

// A rejection is eventlet's answer to a request beyond its limits,
// written as eventlet writes it (status line included).
type rejection struct {
	code int
	raw  string
}

var (
	rejectURITooLong = &rejection{414,
		"HTTP/1.0 414 Request URI Too Long\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"}
	rejectHeaderLine = &rejection{400,
		"HTTP/1.0 400 Header Line Too Long\r\nConnection: close\r\nContent-length: 0\r\n\r\n"}
	rejectHeadersSize = &rejection{400,
		"HTTP/1.0 400 Headers Too Large\r\nConnection: close\r\nContent-length: 0\r\n\r\n"}
	rejectTooMany = &rejection{431,
		"HTTP/1.1 431 Too many headers\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 26\r\n\r\ngot more than 100 headers\n"}
)

// checkLimits applies eventlet's limits to the parsed request: the request
// line (url_length_limit, 414), each header line (max_header_line, 400
// Header Line Too Long), their total (65536, 400 Headers Too Large) and
// their number (Python's http.client allows 99 lines and the blank one;
// more get 431). Lengths are those of the lines as
// sent, "Name: value\r\n", rebuilt from what net/http parsed.
func (g *generation) checkLimits(r *http.Request) *rejection {
	if len(r.Method)+len(r.RequestURI)+len(r.Proto)+4 >= g.st.urlLimit {
		return rejectURITooLong
	}
	count, total, long := 0, 2, false
	line := func(name, value int) {
		n := name + value + 4
		count++
		total += n
		if n >= g.st.maxHeaderLine {
			long = true
		}
	}
	if r.Host != "" {
		line(len("Host"), len(r.Host))
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			line(len(k), len(v))
		}
	}
	for _, te := range r.TransferEncoding {
		line(len("Transfer-Encoding"), len(te))
	}
	// eventlet stops at the first limit it reaches reading the lines in
	// order; net/http keeps no order, so the order is estimated: a line
	// too long is taken to come first, and when there are both too many
	// lines and too many bytes, whichever the average line reaches first.
	// Python's parse_headers counts the blank line that ends the header
	// too: 100 header lines are one too many.
	tooMany := count+1 > maxHeaders
	tooBig := total > maxTotalHeaderSize
	switch {
	case long:
		return rejectHeaderLine
	case tooMany && tooBig:
		if total/(count+1)*(maxHeaders-1) > maxTotalHeaderSize {
			return rejectHeadersSize
		}
		return rejectTooMany
	case tooMany:
		return rejectTooMany
	case tooBig:
		return rejectHeadersSize
	}
	return nil
}

// write sends the rejection on the hijacked connection and closes it
// gracefully (half-close, then read what the client still sends for a
// moment), so the client reads the answer rather than a reset.
func (rej *rejection) write(w http.ResponseWriter) {
	c, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Set("Connection", "close")
		w.WriteHeader(rej.code)
		return
	}
	defer c.Close()
	brw.WriteString(rej.raw)
	if brw.Flush() != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.Copy(io.Discard, io.LimitReader(c, 256<<10))
}

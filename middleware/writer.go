package middleware

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
)

// trackingWriter records whether the response was started (its header
// written), which decides whether a filter can still replace it.
type trackingWriter struct {
	http.ResponseWriter
	started bool
}

func (t *trackingWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// An informational response (103 Early Hints) does not start
		// the final one.
		t.ResponseWriter.WriteHeader(code)
		return
	}
	t.started = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.started = true
	return t.ResponseWriter.Write(p)
}

// WriteString keeps the server's WriteString (no copy of s). Every
// writer that embeds trackingWriter and changes Write must change
// WriteString too.
func (t *trackingWriter) WriteString(s string) (int, error) {
	t.started = true
	return io.WriteString(t.ResponseWriter, s)
}

// responseStarted reports whether the response was started.
func (t *trackingWriter) responseStarted() bool { return t.started }

// startTracker is a writer of this package that knows whether the
// response started: a filter inside another one reuses it rather than
// wrapping the writer again.
type startTracker interface {
	http.ResponseWriter
	responseStarted() bool
}

// ReadFrom keeps io.Copy's sendfile path of the server's writer.
func (t *trackingWriter) ReadFrom(r io.Reader) (int64, error) {
	t.started = true
	if rf, ok := t.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{t.ResponseWriter}, r)
}

// Flush implements http.Flusher when the wrapped writer can flush.
func (t *trackingWriter) Flush() {
	t.started = true
	_ = http.NewResponseController(t.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker for handlers that assert it; it fails
// with http.ErrNotSupported when the wrapped writer cannot hijack.
func (t *trackingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	t.started = true
	return http.NewResponseController(t.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// headerSnapshot remembers the response header a filter found when it
// was called, so that a response it replaces (an error page) keeps what
// outer filters set (X-OpenStack-Request-ID) and drops what inner ones
// and the application set, as a new WebOb response would. Small headers
// are kept without allocating.
type headerSnapshot struct {
	n    int
	keys [6]string
	vals [6][]string
	more http.Header
}

func (s *headerSnapshot) take(h http.Header) {
	if len(h) > len(s.keys) {
		s.more = h.Clone()
		return
	}
	for k, v := range h {
		s.keys[s.n], s.vals[s.n] = k, v
		s.n++
	}
}

func (s *headerSnapshot) restore(h http.Header) {
	clear(h)
	if s.more != nil {
		for k, v := range s.more {
			h[k] = v
		}
		return
	}
	for i := 0; i < s.n; i++ {
		h[s.keys[i]] = s.vals[i]
	}
}

// logger returns the logger oslo.middleware's module logs as: the
// default logger with the "logger" attribute package log reads.
func logger(name string) *slog.Logger {
	return slog.Default().With("logger", name)
}

package middleware

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/goslo/goslo/paste"
)

// CatchErrors is oslo.middleware's catch_errors: a panic in the
// handlers it wraps becomes a 500 Internal Server Error with WebOb's
// error page (HTML, JSON or text by the Accept header) and nothing of the
// panic in it, logged at ERROR by the logger "oslo_middleware.catch_errors"
// with the request (auth tokens masked), the panic and its stack, in the
// request's context (so with its request id). The server never sees the
// panic.
//
// When the handler had already started the response, the page cannot be
// sent: the panic is logged and the response aborted (panic with
// http.ErrAbortHandler, which net/http handles by closing the connection
// quietly), so the client sees a broken response rather than a complete
// one. A panic with http.ErrAbortHandler itself passes through.
func CatchErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A writer of an outer filter of this package already knows
		// whether the response started (nothing was written since);
		// else one is wrapped around w.
		tw, ok := w.(startTracker)
		if !ok || tw.responseStarted() {
			tw = &trackingWriter{ResponseWriter: w}
		}
		var snap headerSnapshot
		snap.take(w.Header())
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := &PanicError{Value: v, Stack: panicStack(debug.Stack())}
			logRequestError(r, err)
			if tw.responseStarted() {
				panic(http.ErrAbortHandler)
			}
			snap.restore(w.Header())
			errInternal.write(w, r)
		}()
		next.ServeHTTP(tw, r)
	})
}

// PanicError is a panic CatchErrors recovered, as it is logged: %v
// prints the panic value, %+v also the goroutine's stack at the panic.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Format implements fmt.Formatter: %+v adds the stack.
func (e *PanicError) Format(s fmt.State, verb rune) {
	switch {
	case verb == 'v' && s.Flag('+'):
		fmt.Fprintf(s, "panic: %v\n\n%s", e.Value, strings.TrimRight(string(e.Stack), "\n"))
	case verb == 'q':
		fmt.Fprintf(s, "%q", e.Error())
	default:
		fmt.Fprint(s, e.Error())
	}
}

// panicStack drops the frames of the recovery (debug.Stack, the
// deferred function, runtime's panic) from a stack taken while
// recovering, so that it starts where the panic happened.
func panicStack(stack []byte) []byte {
	header, rest, ok := bytes.Cut(stack, []byte("\n"))
	if !ok {
		return stack
	}
	// Frames are two lines each: the function, then "\tfile:line".
	lines := bytes.Split(rest, []byte("\n"))
	for i := 0; i+1 < len(lines); i += 2 {
		if bytes.HasPrefix(lines[i], []byte("panic(")) {
			out := append(append([]byte{}, header...), '\n')
			return append(out, bytes.Join(lines[i+2:], []byte("\n"))...)
		}
	}
	return stack
}

// ErrorHandlerFunc is a handler that can fail: an error it returns is
// handled as CatchErrors handles a panic (InternalServerError), so that
// handlers need not write their own 500 pages.
type ErrorHandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP implements http.Handler.
func (f ErrorHandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{ResponseWriter: w}
	var snap headerSnapshot
	snap.take(w.Header())
	err := f(tw, r)
	if err == nil {
		return
	}
	logRequestError(r, err)
	if !tw.started {
		snap.restore(w.Header())
		errInternal.write(w, r)
	}
}

// InternalServerError logs err as catch_errors logs an exception and
// sends the 500 page catch_errors sends. The response must not have
// been started.
func InternalServerError(w http.ResponseWriter, r *http.Request, err error) {
	logRequestError(r, err)
	errInternal.write(w, r)
}

const loggerCatchErrors = "oslo_middleware.catch_errors"

// logRequestError logs as catch_errors' LOG.exception does.
func logRequestError(r *http.Request, err error) {
	logger(loggerCatchErrors).LogAttrs(requestContext(r), slog.LevelError,
		"An error occurred during processing the request: "+requestText(r),
		slog.Any("exc_info", err))
}

func requestContext(r *http.Request) context.Context {
	if ctx := r.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

var tokenRE = regexp.MustCompile(`(?m)^(X-\w+-Token):.*$`)

// requestText is what catch_errors logs of a request: WebOb's
// req.as_text() (the request line and the headers, sorted, in WSGI's
// spelling), with the X-*-Token headers masked. The body, which WebOb
// adds, is left out: it may be consumed, large, or hold passwords.
func requestText(r *http.Request) string {
	target := pathQuote(paste.ScriptName(r.Context()) + r.URL.Path)
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	lines := []string{r.Method + " " + target + " " + r.Proto}
	type kv struct{ k, v string }
	var hs []kv
	if r.Host != "" {
		hs = append(hs, kv{"Host", r.Host})
	}
	if len(r.TransferEncoding) > 0 {
		hs = append(hs, kv{"Transfer-Encoding", strings.Join(r.TransferEncoding, ",")})
	}
	for k, v := range r.Header {
		hs = append(hs, kv{pyTitle(strings.ReplaceAll(k, "_", "-")), strings.Join(v, ",")})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].k < hs[j].k })
	for _, h := range hs {
		lines = append(lines, h.k+": "+h.v)
	}
	return tokenRE.ReplaceAllString(strings.Join(lines, "\r\n"), "$1: *****")
}

// pyTitle is Python's str.title for ASCII: a letter after a non-letter
// is upper case, the others lower case.
func pyTitle(s string) string {
	b := []byte(s)
	prevLetter := false
	for i, c := range b {
		isUpper, isLower := c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z'
		switch {
		case isLower && !prevLetter:
			b[i] = c - 32
		case isUpper && prevLetter:
			b[i] = c + 32
		}
		prevLetter = isUpper || isLower
	}
	return string(b)
}

package middleware

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/goslo/goslo/config"
)

// SizeLimit is oslo.middleware's sizelimit (RequestBodySizeLimiter) with
// a fixed limit in bytes: a request whose Content-Length is over the
// limit gets 413 Request Entity Too Large at once, with WebOb's error page
// ("Request is too large. Larger than max_request_body_size (N)."); a
// request body of unknown length (chunked) is counted as the handler
// reads it, and reading past the limit fails with a *http.MaxBytesError.
// The response is then the 413 page ("Request is too large. Larger than
// N.") unless the handler had already started its own: whatever the
// handler writes after the failed read (say a 400 for the read error) is
// replaced, as the exception oslo's reader raises replaces the
// application's response. The connection is closed after such a
// response, since the rest of the body is not read.
//
// A request with a Content-Length within the limit is passed on as it
// is, at no cost: net/http already refuses to read more than the
// Content-Length.
func SizeLimit(limit int64) func(http.Handler) http.Handler {
	return sizeLimiter(func() int64 { return limit })
}

// SizeLimitFromConfig is SizeLimit with the limit of conf's
// [oslo_middleware] max_request_body_size, read at each request as oslo
// reads it (a reload takes effect). conf must have the option registered
// (RegisterOptions).
func SizeLimitFromConfig(conf *config.Config) func(http.Handler) http.Handler {
	return newSizeLimit(confSetting(conf, MaxRequestBodySize))
}

func newSizeLimit(max *setting[int]) func(http.Handler) http.Handler {
	return sizeLimiter(func() int64 { return int64(max.get()) })
}

const loggerSizeLimit = "oslo_middleware.sizelimit"

func sizeLimiter(limit func() int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := limit()
			if r.ContentLength > max && (r.ContentLength > 0 || hasContentLength(r)) {
				msg := "Request is too large. Larger than max_request_body_size (" + strconv.FormatInt(max, 10) + ")."
				logger(loggerSizeLimit).LogAttrs(requestContext(r), slog.LevelInfo, msg)
				errTooLarge(msg).write(w, r)
				return
			}
			if r.ContentLength >= 0 || r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			lw := &limitWriter{trackingWriter: trackingWriter{ResponseWriter: w}, r: r, max: max}
			lw.snap.take(w.Header())
			lw.body = limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, max)}
			r2 := *r
			r2.Body = &lw.body
			next.ServeHTTP(lw, &r2)
			if lw.body.exceeded && !lw.started {
				lw.replace()
			}
		})
	}
}

// hasContentLength tells a request that said "Content-Length: 0" from
// one that has no body (WebOb's content_length None).
func hasContentLength(r *http.Request) bool {
	_, ok := r.Header["Content-Length"]
	return ok
}

// limitedBody is a request body read through http.MaxBytesReader that
// remembers whether the limit was hit.
type limitedBody struct {
	io.ReadCloser
	exceeded bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			b.exceeded = true
		}
	}
	return n, err
}

// limitWriter replaces the response with the 413 page once the body
// went over the limit, if the handler had not started its own.
type limitWriter struct {
	trackingWriter
	r        *http.Request
	max      int64
	body     limitedBody
	snap     headerSnapshot
	replaced bool
}

func (l *limitWriter) replace() {
	l.replaced, l.started = true, true
	l.snap.restore(l.ResponseWriter.Header())
	errTooLarge(fmt.Sprintf("Request is too large. Larger than %d.", l.max)).write(l.ResponseWriter, l.r)
}

func (l *limitWriter) WriteHeader(code int) {
	if l.replaced {
		return
	}
	if !l.started && l.body.exceeded && code >= 200 {
		l.replace()
		return
	}
	l.trackingWriter.WriteHeader(code)
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if !l.started && !l.replaced && l.body.exceeded {
		l.replace()
	}
	if l.replaced {
		return len(p), nil
	}
	return l.trackingWriter.Write(p)
}

func (l *limitWriter) WriteString(s string) (int, error) {
	if !l.started && !l.replaced && l.body.exceeded {
		l.replace()
	}
	if l.replaced {
		return len(s), nil
	}
	return l.trackingWriter.WriteString(s)
}

func (l *limitWriter) ReadFrom(src io.Reader) (int64, error) {
	if !l.started && !l.replaced && l.body.exceeded {
		l.replace()
	}
	if l.replaced {
		return io.Copy(io.Discard, src)
	}
	return l.trackingWriter.ReadFrom(src)
}

func (l *limitWriter) Flush() {
	if !l.started && !l.replaced && l.body.exceeded {
		l.replace()
	}
	if l.replaced {
		return
	}
	l.trackingWriter.Flush()
}

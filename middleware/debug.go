package middleware

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/goslo/goslo/paste"
)

// CorrelationID is oslo.middleware's correlation_id: a request without
// an X-Correlation-Id header (or with an empty one) gets one, a random
// UUID, so that the handlers (and the services they call) can pass it on.
// The response is not changed.
func CorrelationID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, _ := wsgiHeader(r.Header, "X-Correlation-Id"); v == "" {
			// Header is the request's own map: the server made it for
			// this request alone.
			r.Header.Set("X-Correlation-Id", uuid.NewString())
		}
		next.ServeHTTP(w, r)
	})
}

// Debug is oslo.middleware's debug filter, for development: it prints
// the request (as the WSGI environ a Python service would see), then the
// response's status and headers and its body as it is sent, to out
// (os.Stdout when nil). Each part is one write; the parts of concurrent
// requests may interleave, as in oslo.
func Debug(out io.Writer) func(http.Handler) http.Handler {
	if out == nil {
		out = os.Stdout
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var b strings.Builder
			b.WriteString(strings.Repeat("*", 40) + " REQUEST ENVIRON\n")
			for _, kv := range environ(r) {
				b.WriteString(kv[0] + " = " + kv[1] + "\n")
			}
			b.WriteString("\n")
			_, _ = io.WriteString(out, b.String())
			dw := &debugWriter{trackingWriter: trackingWriter{ResponseWriter: w}, out: out}
			next.ServeHTTP(dw, r)
			if !dw.started {
				dw.WriteHeader(http.StatusOK)
			}
			_, _ = io.WriteString(out, "\n")
		})
	}
}

type debugWriter struct {
	trackingWriter
	out io.Writer
}

func (d *debugWriter) WriteHeader(code int) {
	if !d.started && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		var b strings.Builder
		b.WriteString(strings.Repeat("*", 40) + " RESPONSE HEADERS\n")
		b.WriteString(fmt.Sprintf("status = %d %s\n", code, http.StatusText(code)))
		keys := make([]string, 0, len(d.Header()))
		for k := range d.Header() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range d.Header()[k] {
				b.WriteString(k + " = " + v + "\n")
			}
		}
		b.WriteString("\n" + strings.Repeat("*", 40) + " BODY\n")
		_, _ = io.WriteString(d.out, b.String())
	}
	d.trackingWriter.WriteHeader(code)
}

func (d *debugWriter) Write(p []byte) (int, error) {
	if !d.started {
		d.WriteHeader(http.StatusOK)
	}
	_, _ = d.out.Write(p)
	return d.trackingWriter.Write(p)
}

func (d *debugWriter) WriteString(s string) (int, error) {
	return d.Write([]byte(s))
}

func (d *debugWriter) ReadFrom(src io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{d}, src)
}

// environ is the WSGI environ of r, sorted, as far as Go knows it.
func environ(r *http.Request) [][2]string {
	env := map[string]string{
		"REQUEST_METHOD":  r.Method,
		"SCRIPT_NAME":     paste.ScriptName(r.Context()),
		"PATH_INFO":       r.URL.Path,
		"QUERY_STRING":    r.URL.RawQuery,
		"SERVER_PROTOCOL": r.Proto,
		"REMOTE_ADDR":     r.RemoteAddr,
		"wsgi.url_scheme": scheme(r),
	}
	name, port := serverNamePort(r)
	env["SERVER_NAME"], env["SERVER_PORT"] = name, port
	if r.Host != "" {
		env["HTTP_HOST"] = r.Host
	}
	for k, v := range r.Header {
		key := strings.ToUpper(strings.ReplaceAll(k, "-", "_"))
		if key != "CONTENT_TYPE" && key != "CONTENT_LENGTH" {
			key = "HTTP_" + key
		}
		env[key] = strings.Join(v, ",")
	}
	out := make([][2]string, 0, len(env))
	for k, v := range env {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

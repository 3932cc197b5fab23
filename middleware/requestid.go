package middleware

import (
	"io"
	"net/http"

	"github.com/goslo/goslo/reqctx"
)

// HeaderRequestID is the response header that carries the request id.
const HeaderRequestID = "X-Openstack-Request-Id"

// RequestID is oslo.middleware's request_id: every request gets a new id,
// "req-" and a random UUID, returned in the X-OpenStack-Request-ID
// response header (unless the handler sets that header itself) and kept
// in the request's reqctx.RequestContext, so that every line logged with
// the request's context shows it. The request context is created when
// there is none; one made by an outer filter is copied with the new ids.
//
// An incoming X-OpenStack-Request-ID never becomes the request's id (a
// client cannot choose the ids of the service's log lines), but when it
// is a well-formed id ("req-" and a lower-case UUID) it becomes the
// context's GlobalRequestID: the id another OpenStack service gave the
// request it is making on behalf of its own, which oslo.context passes
// on and oslo.log shows as global_request_id.
func RequestID(next http.Handler) http.Handler {
	return requestID(next, nil)
}

// RequestIDWithCompatHeaders is RequestID that also returns the id in
// the given headers, as a subclass of oslo's RequestId with
// compat_headers does (nova's x-compute-request-id).
func RequestIDWithCompatHeaders(headers ...string) func(http.Handler) http.Handler {
	canon := make([]string, len(headers))
	for i, h := range headers {
		canon[i] = http.CanonicalHeaderKey(h)
	}
	return func(next http.Handler) http.Handler { return requestID(next, canon) }
}

// requestIDState is what request_id allocates per request, in one
// piece: the request context, the context.Context that carries it, the
// request the next handler gets and the response writer.
type requestIDState struct {
	w    requestIDWriter
	rc   reqctx.RequestContext
	ctx  reqctx.Holder
	req  http.Request
	uuid [16]byte
}

func requestID(next http.Handler, compat []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveRequestID(next, compat, w, r)
	})
}

// serveRequestID is request_id's work. It is a function of its own, not
// inlined into the closures of RequestID's callers, so that it is
// compiled once, with WithContext's copy of the request on the stack.
//
//go:noinline
func serveRequestID(next http.Handler, compat []string, w http.ResponseWriter, r *http.Request) {
	st := &requestIDState{}
	ctx := r.Context()
	if outer := reqctx.From(ctx); outer != nil {
		st.rc = *outer
	} else {
		st.rc.IsAdminProject = true // reqctx.New's defaults
	}
	st.rc.RequestID = reqctx.NewRequestIDIn(&st.uuid)
	if _, ok := r.Header[HeaderRequestID]; ok {
		if g, _ := wsgiHeader(r.Header, HeaderRequestID); isRequestID(g) {
			st.rc.GlobalRequestID = g
		}
	}
	st.w = requestIDWriter{trackingWriter: trackingWriter{ResponseWriter: w}, compat: compat}
	st.w.id[0] = st.rc.RequestID
	st.req = *r.WithContext(st.ctx.Init(ctx, &st.rc))
	next.ServeHTTP(&st.w, &st.req)
	if !st.w.started {
		st.w.addHeaders()
	}
}

// requestIDWriter adds the id headers when the response starts, unless
// the handler set them, as oslo adds them to a response that lacks them.
type requestIDWriter struct {
	trackingWriter
	id     [1]string // the header value, without allocating a slice
	compat []string
}

func (w *requestIDWriter) addHeaders() {
	h := w.ResponseWriter.Header()
	if _, ok := h[HeaderRequestID]; !ok {
		h[HeaderRequestID] = w.id[:]
	}
	for _, name := range w.compat {
		if _, ok := h[name]; !ok {
			h[name] = []string{w.id[0]}
		}
	}
}

func (w *requestIDWriter) WriteHeader(code int) {
	if !w.started && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		w.addHeaders()
	}
	w.trackingWriter.WriteHeader(code)
}

func (w *requestIDWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.addHeaders()
	}
	return w.trackingWriter.Write(p)
}

func (w *requestIDWriter) WriteString(s string) (int, error) {
	if !w.started {
		w.addHeaders()
	}
	return w.trackingWriter.WriteString(s)
}

func (w *requestIDWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.started {
		w.addHeaders()
	}
	return w.trackingWriter.ReadFrom(src)
}

func (w *requestIDWriter) Flush() {
	if !w.started {
		w.addHeaders()
	}
	w.trackingWriter.Flush()
}

// isRequestID matches oslo's ID_FORMAT:
// ^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$
func isRequestID(s string) bool {
	if len(s) != 40 || s[:4] != "req-" {
		return false
	}
	for i := 4; i < len(s); i++ {
		c := s[i]
		switch i {
		case 12, 17, 22, 27:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

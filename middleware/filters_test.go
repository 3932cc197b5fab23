package middleware

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/log"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/reqctx"
)

var tlsState tls.ConnectionState

func okHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, body)
	})
}

// --- request_id ---

func TestRequestID(t *testing.T) {
	var seen *reqctx.RequestContext
	h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = reqctx.From(r.Context())
	}))
	ids := map[string]bool{}
	for i := 0; i < 3; i++ {
		rec := serve(h, "GET", "/", "X-Openstack-Request-Id", validGlobalID)
		id := rec.Header().Get("X-OpenStack-Request-ID")
		if !isRequestID(id) || ids[id] {
			t.Fatalf("id %q: not a new req-<uuid>", id)
		}
		ids[id] = true
		if seen == nil || seen.RequestID != id || seen.GlobalRequestID != validGlobalID || !seen.IsAdminProject {
			t.Fatalf("context %+v, want request id %s, global %s", seen, id, validGlobalID)
		}
	}
}

func TestRequestIDKeepsOuterContext(t *testing.T) {
	outer := reqctx.New()
	outer.UserID, outer.GlobalRequestID = "alice", "req-outer"
	var seen *reqctx.RequestContext
	h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = reqctx.From(r.Context()) }))
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(reqctx.With(r.Context(), outer))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if seen == outer || seen.UserID != "alice" || seen.RequestID == outer.RequestID || seen.GlobalRequestID != "req-outer" {
		t.Errorf("got %+v", seen)
	}
	if outer.RequestID == rec.Header().Get(HeaderRequestID) {
		t.Errorf("the outer context was changed")
	}
}

func TestRequestIDCompatHeaders(t *testing.T) {
	h := RequestIDWithCompatHeaders("x-compute-request-id")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	rec := serve(h, "POST", "/")
	id := rec.Header().Get(HeaderRequestID)
	if rec.Code != http.StatusAccepted || !isRequestID(id) || rec.Header().Get("X-Compute-Request-Id") != id {
		t.Errorf("got %d %v", rec.Code, rec.Header())
	}
}

func TestIsRequestID(t *testing.T) {
	for s, want := range map[string]bool{
		validGlobalID: true,
		"req-12345678-1234-1234-1234-123456789012":  true,
		"req-12345678-1234-1234-1234-12345678901":   false,
		"req-12345678-1234-1234-1234-1234567890123": false,
		"req-1234567g-1234-1234-1234-123456789012":  false,
		"req-12345678_1234-1234-1234-123456789012":  false,
		"REQ-12345678-1234-1234-1234-123456789012":  false,
		"12345678-1234-1234-1234-123456789012":      false,
		"":                                          false,
	} {
		if isRequestID(s) != want {
			t.Errorf("isRequestID(%q) = %v", s, !want)
		}
	}
}

// The log package shows the request id on catch_errors' line.
func TestRequestIDInLogLines(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "api.log")
	conf := config.New()
	if err := log.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load([]string{"--log-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		t.Fatal(err)
	}
	old := slog.Default()
	lh, err := log.Setup(conf, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		slog.SetDefault(old)
		lh.Close()
	}()
	h := RequestID(CatchErrors(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(errors.New("boom"))
	})))
	rec := serve(h, "GET", "/v1/boom", "X-Auth-Token", "s3cr3t")
	id := rec.Header().Get(HeaderRequestID)
	if rec.Code != 500 || id == "" {
		t.Fatalf("got %d, id %q", rec.Code, id)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !regexp.MustCompile(`ERROR oslo_middleware\.catch_errors \[None ` + regexp.QuoteMeta(id) + ` `).MatchString(text) {
		t.Errorf("no catch_errors line with %s:\n%s", id, text)
	}
	for _, want := range []string{"An error occurred during processing the request: GET /v1/boom HTTP/1.1", "X-Auth-Token: *****", "panic: boom"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "s3cr3t") {
		t.Errorf("the token is in the log:\n%s", text)
	}
}

// --- correlation_id ---

func TestCorrelationID(t *testing.T) {
	var got string
	h := CorrelationID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Get("X-Correlation-Id") }))
	serve(h, "GET", "/", "X-Correlation-Id", "abc")
	if got != "abc" {
		t.Errorf("kept %q", got)
	}
	rec := serve(h, "GET", "/")
	if !uuidRE.MatchString(got) {
		t.Errorf("made %q", got)
	}
	if rec.Header().Get("X-Correlation-Id") != "" {
		t.Errorf("the response got the header")
	}
}

// --- catch_errors ---

func TestCatchErrorsKeepsOuterHeaders(t *testing.T) {
	captureLogs(t)
	outer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Outer", "1")
			next.ServeHTTP(w, r)
		})
	}
	h := outer(CatchErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Inner", "1")
		w.Header().Set("Content-Type", "application/x-internal")
		panic("no")
	})))
	rec := serve(h, "GET", "/")
	if rec.Code != 500 || rec.Header().Get("X-Outer") != "1" || rec.Header().Get("X-Inner") != "" ||
		rec.Header().Get("Content-Type") != "text/plain; charset=UTF-8" {
		t.Errorf("got %d %v", rec.Code, rec.Header())
	}
	if strings.Contains(rec.Body.String(), "no") && !strings.Contains(rec.Body.String(), "not") {
		t.Errorf("panic value leaked: %q", rec.Body.String())
	}
}

func TestCatchErrorsManyOuterHeaders(t *testing.T) {
	captureLogs(t)
	h := CatchErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Inner", "1")
		panic("no")
	}))
	r := httptest.NewRequest("GET", "/", nil)
	rec := httptest.NewRecorder()
	for i := 0; i < 10; i++ {
		rec.Header().Set(fmt.Sprintf("X-Outer-%d", i), "v")
	}
	h.ServeHTTP(rec, r)
	if len(rec.Header()) != 12 || rec.Header().Get("X-Inner") != "" || rec.Header().Get("X-Outer-9") != "v" {
		t.Errorf("headers %v", rec.Header())
	}
}

// A panic after the response started cannot become a 500: the
// connection is aborted and the server goes on.
func TestCatchErrorsAfterWrite(t *testing.T) {
	logs := captureLogs(t)
	srv := httptest.NewServer(CatchErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			_, _ = io.WriteString(w, "fine")
			return
		}
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, "partial")
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic("late")
	})))
	defer srv.Close()
	srv.Config.ErrorLog = nil
	resp, err := http.Get(srv.URL + "/late")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Errorf("the client got a complete response")
	}
	resp, err = http.Get(srv.URL + "/ok")
	if err != nil {
		t.Fatalf("the server stopped serving: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "fine" {
		t.Errorf("got %q", b)
	}
	recs := logs.take()
	if len(recs) == 0 || recs[0][1] != loggerCatchErrors || recs[0][3] != true {
		t.Errorf("logged %v", recs)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestCatchErrorsAbortPassesThrough(t *testing.T) {
	h := CatchErrors(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v", v)
		}
	}()
	serve(h, "GET", "/")
}

func TestErrorHandlerFunc(t *testing.T) {
	logs := captureLogs(t)
	h := ErrorHandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/ok" {
			_, _ = io.WriteString(w, "ok")
			return nil
		}
		if r.URL.Path == "/late" {
			w.WriteHeader(202)
			return errors.New("after the header")
		}
		w.Header().Set("X-Partial", "1")
		return errors.New("database is gone")
	})
	rec := serve(h, "GET", "/fail", "Accept", "application/json")
	if rec.Code != 500 || rec.Header().Get("X-Partial") != "" || strings.Contains(rec.Body.String(), "database") {
		t.Errorf("got %d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
	want := `{"message": "The server has either erred or is incapable of performing the requested operation.<br /><br />\n\n\n", "code": "500 Internal Server Error", "title": "Internal Server Error"}`
	if rec.Body.String() != want {
		t.Errorf("body %q", rec.Body.String())
	}
	if rec := serve(h, "GET", "/ok"); rec.Code != 200 || rec.Body.String() != "ok" {
		t.Errorf("ok: %d %q", rec.Code, rec.Body.String())
	}
	if rec := serve(h, "GET", "/late"); rec.Code != 202 {
		t.Errorf("late: %d", rec.Code)
	}
	if recs := logs.take(); len(recs) != 2 {
		t.Errorf("logged %v", recs)
	}
}

func TestPanicErrorFormat(t *testing.T) {
	cause := errors.New("cause")
	e := &PanicError{Value: cause, Stack: []byte("goroutine 1 [running]:\nmain.main()\n")}
	if e.Error() != "panic: cause" || !errors.Is(e, cause) {
		t.Errorf("%v", e)
	}
	if got := fmt.Sprintf("%+v", e); !strings.Contains(got, "goroutine 1 [running]") {
		t.Errorf("%%+v = %q", got)
	}
	if got := fmt.Sprintf("%v", e); got != "panic: cause" {
		t.Errorf("%%v = %q", got)
	}
}

func TestRequestText(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://api/v2/x%20y?a=1", nil)
	r.Header.Set("X-Auth-Token", "t")
	r.Header.Set("x-foo-token", "kept-no-single-word")
	r.Header.Add("Accept", "a")
	r.Header.Add("Accept", "b")
	r.Header["My_header"] = []string{"u"}
	r = r.WithContext(paste.WithScriptName(r.Context(), "/compute"))
	want := "PUT /compute/v2/x%20y?a=1 HTTP/1.1\r\nAccept: a,b\r\nHost: api\r\nMy-Header: u\r\nX-Auth-Token: *****\nX-Foo-Token: *****"
	if got := requestText(r); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// --- sizelimit ---

// sendChunked posts n bytes with chunked encoding.
func sendChunked(t *testing.T, url string, n int, accept string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, io.NopCloser(io.LimitReader(zeroReader{}, int64(n))))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %d bytes: %v", n, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSizeLimitChunked(t *testing.T) {
	defer http.DefaultClient.CloseIdleConnections()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		n       int
		status  int
		body    string
	}{
		{"within", readAll, 10, 200, "read 10"},
		{"at limit", readAll, 100, 200, "read 100"},
		{"over, handler reports the error", readAll, 101, 413, "413 Request Entity Too Large\n\nRequest is too large. Larger than 100.\n\n   "},
		{"huge", readAll, 50 << 20, 413, "413 Request Entity Too Large\n\nRequest is too large. Larger than 100.\n\n   "},
		{"over, handler ignores the error", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
		}, 500, 413, "413 Request Entity Too Large\n\nRequest is too large. Larger than 100.\n\n   "},
		{"over, handler writes a body", func(w http.ResponseWriter, r *http.Request) {
			_, err := io.ReadAll(r.Body)
			_, _ = fmt.Fprintf(w, "error %v", err)
		}, 500, 413, "413 Request Entity Too Large\n\nRequest is too large. Larger than 100.\n\n   "},
		{"over, response started before", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(202)
			_, err := io.ReadAll(r.Body)
			_, _ = fmt.Fprint(w, err != nil)
		}, 500, 202, "true"},
		{"unread", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ignored") }, 500, 200, "ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(SizeLimit(100)(tc.handler))
			defer srv.Close()
			resp, body := sendChunked(t, srv.URL, tc.n, "")
			if resp.StatusCode != tc.status || body != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
		})
	}
}

func readAll(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) || mbe.Limit != 100 {
			panic(fmt.Sprintf("unexpected error %v", err))
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_, _ = fmt.Fprintf(w, "read %d", len(b))
}

func TestSizeLimitContentLength(t *testing.T) {
	h := SizeLimit(100)(okHandler("ok"))
	for _, tc := range []struct {
		n      int64
		status int
	}{{0, 200}, {100, 200}, {101, 413}, {1 << 40, 413}} {
		r := httptest.NewRequest("PUT", "/", strings.NewReader(""))
		r.ContentLength = tc.n
		r.Header.Set("Content-Length", fmt.Sprint(tc.n))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != tc.status {
			t.Errorf("Content-Length %d: %d, want %d", tc.n, rec.Code, tc.status)
		}
	}
}

func TestSizeLimitFromConfigReload(t *testing.T) {
	conf := loadConf(t, "[oslo_middleware]\nmax_request_body_size = 5\n")
	h := SizeLimitFromConfig(conf)(okHandler("ok"))
	r := func() int {
		req := httptest.NewRequest("POST", "/", strings.NewReader("123456"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if r() != 413 {
		t.Fatalf("limit 5 not applied")
	}
	if err := MaxRequestBodySize.Override(conf, 10); err != nil {
		t.Fatal(err)
	}
	if r() != 200 {
		t.Errorf("new limit not read")
	}
}

// --- http_proxy_to_wsgi ---

func TestHostURL(t *testing.T) {
	tests := []struct {
		name              string
		host, scheme      string
		tls               bool
		script            string
		wantHost, wantApp string
	}{
		{"plain", "api.example.com", "", false, "", "http://api.example.com", "http://api.example.com"},
		{"port", "api.example.com:8774", "", false, "/compute", "http://api.example.com:8774", "http://api.example.com:8774/compute"},
		{"default http port", "api.example.com:80", "", false, "", "http://api.example.com", "http://api.example.com"},
		{"default https port", "api.example.com:443", "https", false, "", "https://api.example.com", "https://api.example.com"},
		{"443 on http kept", "api.example.com:443", "", false, "", "http://api.example.com:443", "http://api.example.com:443"},
		{"tls", "api.example.com", "", true, "", "https://api.example.com", "https://api.example.com"},
		{"ipv6", "[2001:db8::1]", "", false, "", "http://[2001:db8::1]", "http://[2001:db8::1]"},
		{"ipv6 port", "[2001:db8::1]:8080", "", false, "", "http://[2001:db8::1]:8080", "http://[2001:db8::1]:8080"},
		{"script quoted", "h", "", false, "/a b/ü", "http://h", "http://h/a%20b/%C3%BC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Host, r.URL.Scheme = tc.host, tc.scheme
			r.TLS = nil
			if tc.tls {
				r.TLS = &tlsState
			}
			r = r.WithContext(paste.WithScriptName(r.Context(), tc.script))
			if got := HostURL(r); got != tc.wantHost {
				t.Errorf("HostURL = %q, want %q", got, tc.wantHost)
			}
			if got := ApplicationURL(r); got != tc.wantApp {
				t.Errorf("ApplicationURL = %q, want %q", got, tc.wantApp)
			}
			if got := string(AppendApplicationURL([]byte("x"), r)); got != "x"+tc.wantApp {
				t.Errorf("AppendApplicationURL(\"x\") = %q, want %q", got, "x"+tc.wantApp)
			}
		})
	}
}

// Without a Host header, the address the connection came in on.
func TestHostURLNoHost(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = ""
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.ParseIP("::1"), Port: 8774}))
	if got := HostURL(r); got != "http://[::1]:8774" {
		t.Errorf("got %q", got)
	}
}

// What a versions document handler builds behind a TLS proxy.
func TestHTTPProxyToWSGILinks(t *testing.T) {
	var link string
	h := HTTPProxyToWSGI(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link = ApplicationURL(r) + "/v2.1/"
	}))
	serve(h, "GET", "/", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com", "X-Forwarded-Prefix", "/prefix")
	if link != "https://api.example.com/prefix/v2.1/" {
		t.Errorf("link %q", link)
	}
	serve(h, "GET", "/", "Forwarded", `for=192.0.2.1;proto=https;host=api.example.com:8443`)
	if link != "https://api.example.com:8443/v2.1/" {
		t.Errorf("link %q", link)
	}
	serve(h, "GET", "/")
	if link != "http://example.com/v2.1/" {
		t.Errorf("link without proxy headers %q", link)
	}
}

func TestHTTPProxyToWSGIFromConfigOff(t *testing.T) {
	conf := loadConf(t, "")
	var scheme string
	h := HTTPProxyToWSGIFromConfig(conf)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { scheme = r.URL.Scheme }))
	serve(h, "GET", "/", "X-Forwarded-Proto", "https")
	if scheme != "" {
		t.Errorf("parsed while disabled: %q", scheme)
	}
	if err := EnableProxyHeadersParsing.Override(conf, true); err != nil {
		t.Fatal(err)
	}
	serve(h, "GET", "/", "X-Forwarded-Proto", "https")
	if scheme != "https" {
		t.Errorf("not parsed once enabled: %q", scheme)
	}
}

// The filter changes a copy: the caller's request stays as it was.
func TestHTTPProxyToWSGIDoesNotChangeRequest(t *testing.T) {
	h := HTTPProxyToWSGI(okHandler(""))
	r := httptest.NewRequest("GET", "http://orig/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "other")
	r.Header.Set("X-Forwarded-For", "1.2.3.4")
	before := *r.URL
	h.ServeHTTP(httptest.NewRecorder(), r)
	if *r.URL != before || r.Host != "orig" || r.RemoteAddr != "192.0.2.1:1234" {
		t.Errorf("request changed: %v %q %q", r.URL, r.Host, r.RemoteAddr)
	}
}

func TestParseForwarded(t *testing.T) {
	tests := map[string]map[string]string{
		"for=1.2.3.4;proto=https":           {"for": "1.2.3.4", "proto": "https"},
		" For = x ; PROTO=http , proto=ftp": {"for": "x", "proto": "http"},
		"proto":                             {"proto": ""},
		"":                                  {"": ""},
		";;":                                {"": ""},
		`host="a;b"`:                        {"host": `"a`, "b\"": ""},
		"a=b=c":                             {"a": "b=c"},
	}
	for in, want := range tests {
		if got := parseForwarded(in); !cmp.Equal(got, want) {
			t.Errorf("parseForwarded(%q) = %v, want %v", in, got, want)
		}
	}
}

// --- cors ---

func TestCORSPlain(t *testing.T) {
	c := NewCORS()
	p := DefaultCORSPolicy()
	p.AllowHeaders = []string{"X-Auth-Token"}
	p.ExposeHeaders = []string{"X-OpenStack-Request-ID"}
	c.AddOrigin([]string{"https://dash.example.com"}, p)
	h := c.Wrap(http.NotFoundHandler())
	rec := serve(h, "OPTIONS", "/v2.1/servers", "Origin", "https://dash.example.com",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-auth-token,content-type")
	want := http.Header{
		"Vary":                             {"Origin"},
		"Access-Control-Allow-Origin":      {"https://dash.example.com"},
		"Access-Control-Allow-Credentials": {"true"},
		"Access-Control-Max-Age":           {"3600"},
		"Access-Control-Allow-Methods":     {"POST"},
		"Access-Control-Allow-Headers":     {"x-auth-token,content-type"},
	}
	if rec.Code != 200 || !cmp.Equal(rec.Header(), want) || rec.Body.Len() != 0 {
		t.Errorf("preflight: %d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
	rec = serve(c.Wrap(okHandler("x")), "GET", "/", "Origin", "https://dash.example.com")
	if rec.Header().Get("Access-Control-Expose-Headers") != "X-OpenStack-Request-ID" || rec.Body.String() != "x" {
		t.Errorf("actual: %v", rec.Header())
	}
}

func TestCORSFromConfig(t *testing.T) {
	conf := loadConf(t, "[cors]\nallowed_origin = https://a.example\nallow_methods = GET\n")
	c, err := CORSFromConfig(conf)
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(c.Wrap(okHandler("")), "OPTIONS", "/", "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("PUT allowed: %v", rec.Header())
	}
	rec = serve(c.Wrap(okHandler("")), "OPTIONS", "/", "Origin", "https://a.example", "Access-Control-Request-Method", "GET")
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://a.example" {
		t.Errorf("GET refused: %v", rec.Header())
	}
}

func TestCORSFactoryNeedsOrigin(t *testing.T) {
	_, err := corsFactory(nil)(nil, map[string]string{})
	if err == nil || !strings.Contains(err.Error(), "allowed_origin or oslo_config_project is required") {
		t.Errorf("got %v", err)
	}
	_, err = corsFactory(nil)(nil, map[string]string{"allowed_origin": "x", "max_age": "soon"})
	if err == nil || !strings.Contains(err.Error(), "max_age") {
		t.Errorf("bad max_age: %v", err)
	}
}

// --- healthcheck ---

func TestHealthcheckFilter(t *testing.T) {
	down := HealthcheckBackendFunc(func(context.Context, int) HealthcheckResult {
		return HealthcheckResult{Reason: "DB DOWN"}
	})
	h := (&Healthcheck{Backends: []HealthcheckBackend{down}}).Wrap(okHandler("app"))
	if rec := serve(h, "GET", "/healthcheck"); rec.Code != 503 || rec.Body.String() != "DB DOWN" {
		t.Errorf("healthcheck: %d %q", rec.Code, rec.Body.String())
	}
	if rec := serve(h, "HEAD", "/healthcheck"); rec.Code != 503 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d %q", rec.Code, rec.Body.String())
	}
	if rec := serve(h, "GET", "/servers"); rec.Code != 200 || rec.Body.String() != "app" {
		t.Errorf("app: %d %q", rec.Code, rec.Body.String())
	}
}

func TestHealthcheckCustomBackend(t *testing.T) {
	var gotPaste map[string]string
	RegisterHealthcheckBackend("goslo_test_db", func(conf *config.Config, p map[string]string) (HealthcheckBackend, error) {
		gotPaste = p
		return HealthcheckBackendFunc(func(ctx context.Context, port int) HealthcheckResult {
			return HealthcheckResult{Available: true, Reason: "DB OK", Details: fmt.Sprint(port), Class: "DBCheck"}
		}), nil
	})
	defer func() {
		healthBackends.Lock()
		delete(healthBackends.m, "goslo_test_db")
		healthBackends.Unlock()
	}()
	if names := HealthcheckBackendNames(); !cmp.Equal(names[:2], []string{"disable_by_file", "disable_by_files_ports"}) || !contains(names, "goslo_test_db") {
		t.Errorf("names %v", names)
	}
	reg := paste.NewRegistry()
	if err := Register(reg, loadConf(t, "")); err != nil {
		t.Fatal(err)
	}
	ini := writeFile(t, "api-paste.ini", "[app:hc]\nuse = egg:oslo.middleware#healthcheck\nbackends = goslo_test_db, disable_by_file\ndetailed = true\ndb = main\n")
	app, err := reg.LoadApp(ini, "hc")
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(app, "GET", "/anything", "Accept", "application/json")
	var body struct{ Reasons []map[string]string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%v: %s", err, rec.Body.String())
	}
	if rec.Code != 200 || len(body.Reasons) != 2 || body.Reasons[0]["class"] != "DBCheck" || body.Reasons[0]["details"] != "80" {
		t.Errorf("got %d %s", rec.Code, rec.Body.String())
	}
	if gotPaste["db"] != "main" {
		t.Errorf("the backend got paste conf %v", gotPaste)
	}
}

func TestHealthcheckFromConfig(t *testing.T) {
	dir := t.TempDir()
	flag := filepath.Join(dir, "disable")
	conf := loadConf(t, "[healthcheck]\nbackends = disable_by_file\ndisable_by_file_path = "+flag+"\npath = /hc\n")
	h, err := HealthcheckFromConfig(conf)
	if err != nil {
		t.Fatal(err)
	}
	app := h.Wrap(okHandler("app"))
	if rec := serve(app, "GET", "/hc"); rec.Code != 200 || rec.Body.String() != "OK" {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if rec := serve(app, "GET", "/hc"); rec.Code != 503 || rec.Body.String() != "DISABLED BY FILE" {
		t.Errorf("got %d %q", rec.Code, rec.Body.String())
	}
}

func TestParseDisableByFilePaths(t *testing.T) {
	got, err := ParseDisableByFilePaths([]string{" 5000:/a ", "", "35357:/b:c", "5000:/later"})
	if err != nil || !cmp.Equal(got, map[int]string{5000: "/later", 35357: "/b:c"}) {
		t.Errorf("got %v %v", got, err)
	}
	for _, bad := range []string{"nocolon", "port:/x", ":/x"} {
		if _, err := ParseDisableByFilePaths([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// --- debug ---

func TestDebug(t *testing.T) {
	var out bytes.Buffer
	h := Debug(&out)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-A", "1")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, "body!")
	}))
	rec := serve(h, "POST", "/p?q=1", "X-Custom", "c")
	if rec.Code != 201 || rec.Body.String() != "body!" {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
	s := out.String()
	for _, want := range []string{"REQUEST ENVIRON\n", "REQUEST_METHOD = POST\n", "QUERY_STRING = q=1\n", "HTTP_X_CUSTOM = c\n",
		"RESPONSE HEADERS\n", "status = 201 Created\n", "X-A = 1\n", " BODY\nbody!\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	sc := bufio.NewScanner(strings.NewReader(s))
	n := 0
	for sc.Scan() {
		n++
	}
	if n < 10 {
		t.Errorf("short output:\n%s", s)
	}
}

// The logged stack starts where the panic happened.
func TestPanicStackStartsAtPanic(t *testing.T) {
	old := slog.Default()
	var got *PanicError
	slog.SetDefault(slog.New(handlerFunc(func(r slog.Record) {
		r.Attrs(func(a slog.Attr) bool {
			if e, ok := a.Value.Any().(*PanicError); ok {
				got = e
			}
			return true
		})
	})))
	defer slog.SetDefault(old)
	serve(CatchErrors(http.HandlerFunc(panicsHere)), "GET", "/")
	if got == nil {
		t.Fatal("no PanicError logged")
	}
	lines := strings.Split(string(got.Stack), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "goroutine ") || !strings.Contains(lines[1], "middleware.panicsHere") {
		t.Errorf("stack:\n%s", got.Stack)
	}
}

func panicsHere(http.ResponseWriter, *http.Request) { panic("here") }

type handlerFunc func(slog.Record)

func (h handlerFunc) Enabled(context.Context, slog.Level) bool { return true }
func (h handlerFunc) Handle(_ context.Context, r slog.Record) error {
	h(r)
	return nil
}
func (h handlerFunc) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h handlerFunc) WithGroup(string) slog.Handler      { return h }

func TestNewRequestID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		var u [16]byte
		id := reqctx.NewRequestIDIn(&u)
		if parsed, err := uuid.Parse(id[4:]); err != nil || parsed.Version() != 4 || parsed.Variant() != uuid.RFC4122 {
			t.Fatalf("%q: not a version 4 UUID (%v)", id, err)
		}
		if !isRequestID(id) || !uuidRE.MatchString(id[4:]) || seen[id] {
			t.Fatalf("%q", id)
		}
		seen[id] = true
	}
}

// The context request_id makes has reqctx.New's defaults.
func TestRequestIDContextDefaults(t *testing.T) {
	var got reqctx.RequestContext
	RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = *reqctx.From(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	want := *reqctx.New()
	want.RequestID = got.RequestID
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-reqctx.New +request_id):\n%s", diff)
	}
}

// A handler writing with io.WriteString goes through every wrapper's
// logic.
func TestWriteStringThroughWrappers(t *testing.T) {
	c := NewCORS()
	c.AddOrigin([]string{"http://a"}, DefaultCORSPolicy())
	h := RequestID(c.Wrap(CatchErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "text")
	}))))
	rec := serve(h, "GET", "/", "Origin", "http://a")
	if rec.Body.String() != "text" || rec.Header().Get("Access-Control-Allow-Origin") != "http://a" || rec.Header().Get(HeaderRequestID) == "" {
		t.Errorf("got %v %q", rec.Header(), rec.Body.String())
	}
	rec = serve(h, "OPTIONS", "/", "Origin", "http://a")
	if rec.Body.String() != "text" || rec.Code != 200 {
		t.Errorf("preflight %d %q", rec.Code, rec.Body.String())
	}
}

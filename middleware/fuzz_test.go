package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
)

func FuzzAccept(f *testing.F) {
	for _, s := range acceptInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, offers := range [][]string{{"text/html", "application/json"}, healthcheckOffers} {
			got := acceptableOffers(v, true, offers)
			seen := map[string]bool{}
			for _, o := range got {
				if seen[o] || !contains(offers, o) {
					t.Fatalf("%q: offers %q", v, got)
				}
				seen[o] = true
			}
			if _, valid := parseAccept(v); !valid && len(got) != len(offers) {
				t.Fatalf("%q: invalid header, but offers %q", v, got)
			}
		}
	})
}

// fullPipeline is every filter around an application that answers with
// what it saw.
func fullPipeline(t testing.TB) http.Handler {
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := EnableProxyHeadersParsing.Override(conf, true); err != nil {
		t.Fatal(err)
	}
	c := NewCORS()
	c.AddOrigin([]string{"http://a.example", "*"}, DefaultCORSPolicy())
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, ApplicationURL(r)+" "+HostURL(r)+" "+r.RemoteAddr)
	})
	hc := &Healthcheck{Backends: []HealthcheckBackend{DisableByFile{Path: "/nonexistent"}}}
	return c.Wrap(HTTPProxyToWSGIFromConfig(conf)(SSL("X-Forwarded-Proto")(CorrelationID(RequestID(
		SizeLimit(1 << 10)(CatchErrors(hc.Wrap(app))))))))
}

// Whatever the headers, the filters answer without failing.
func FuzzPipeline(f *testing.F) {
	f.Add("GET", "/", "for=1.2.3.4;proto=https;host=h", "https", "h:1", "/p", "text/html", "http://a.example", "GET", "X-Auth-Token")
	f.Add("OPTIONS", "/healthcheck", ";;==,,;", "", "", "", "*/*;q=0.1", "", "", "")
	f.Add("HEAD", "/healthcheck", "proto", "a, b", "[::1]:8080", "/a b", "garbage", "null", "get", ",,")
	f.Add("POST", "/x", `for="[2001:db8::1]:4711"`, "", "[", "%zz", "text/html;q=2", "http://b", "PUT", "a,b,c")
	h := fullPipeline(f)
	f.Fuzz(func(t *testing.T, method, path, fwd, xproto, xhost, xprefix, accept, origin, acrm, acrh string) {
		r := httptest.NewRequest("GET", "/", strings.NewReader("body"))
		r.Method = method
		r.URL.Path = path
		for k, v := range map[string]string{"Forwarded": fwd, "X-Forwarded-Proto": xproto, "X-Forwarded-Host": xhost,
			"X-Forwarded-Prefix": xprefix, "Accept": accept, "Origin": origin,
			"Access-Control-Request-Method": acrm, "Access-Control-Request-Headers": acrh} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code >= 500 && rec.Code != 503 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		if !isRequestID(rec.Header().Get(HeaderRequestID)) {
			t.Fatalf("no request id: %v", rec.Header())
		}
	})
}

// Malformed requests on the wire get a 4xx, and the server goes on.
func TestMalformedRequests(t *testing.T) {
	captureLogs(t)
	srv := httptest.NewServer(fullPipeline(t))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name, raw string
		status    int
	}{
		{"bad chunk size", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n", 0},
		{"chunked over the limit", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"800\r\n" + strings.Repeat("x", 0x800) + "\r\n0\r\n\r\n", 413},
		{"content-length over the limit", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999\r\n\r\nxx", 413},
		{"truncated chunked body", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", 0},
		{"bad forwarded", "GET /x HTTP/1.1\r\nHost: h\r\nForwarded: ;=;=\"\r\nX-Forwarded-Host: \r\n\r\n", 200},
		{"bad accept on healthcheck", "GET /healthcheck HTTP/1.1\r\nHost: h\r\nAccept: ;;;q=9\r\n\r\n", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.raw); err != nil {
				t.Fatal(err)
			}
			if cw, ok := conn.(*net.TCPConn); ok {
				_ = cw.CloseWrite()
			}
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no response: %v", err)
			}
			resp.Body.Close()
			if tc.status != 0 && resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 0 && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
				t.Errorf("status %d, want a 4xx", resp.StatusCode)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/healthcheck")
	if err != nil {
		t.Fatalf("server gone: %v", err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
}

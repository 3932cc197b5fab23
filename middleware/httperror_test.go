package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/goslo/goslo/middleware"
)

// TestHTTPError checks the exported WebOb error against the pages the real
// WebOb renders for webob.exc.HTTPConflict(explanation='too <many> items
// é') (recorded with /usr/bin/python3, WebOb 1.8), by Accept header.
func TestHTTPError(t *testing.T) {
	e := middleware.HTTPError{Code: http.StatusConflict, Explanation: "too <many> items é"}
	const html = "<html>\n <head>\n  <title>409 Conflict</title>\n </head>\n <body>\n  <h1>409 Conflict</h1>\n  too &lt;many&gt; items &#233;<br /><br />\n\n\n\n </body>\n</html>"
	const text = "409 Conflict\n\ntoo  items é\n\n   "
	for _, tc := range []struct {
		method, accept, contentType, body string
	}{
		{"GET", "application/json", "application/json", `{"message": "too <many> items \u00e9<br /><br />\n\n\n", "code": "409 Conflict", "title": "Conflict"}`},
		{"GET", "text/html", "text/html; charset=UTF-8", html},
		{"GET", "text/plain", "text/plain; charset=UTF-8", text},
		{"GET", "", "text/plain; charset=UTF-8", text},
		{"GET", "application/json;q=0.5, text/html;q=0.9", "text/html; charset=UTF-8", html},
		{"HEAD", "application/json", "text/html; charset=UTF-8", ""},
	} {
		t.Run(tc.method+" "+tc.accept, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/", nil)
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			if w.Code != http.StatusConflict {
				t.Errorf("status %d, want 409", w.Code)
			}
			if got := w.Header().Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := w.Body.String(); got != tc.body {
				t.Errorf("body\n%q\nwant\n%q", got, tc.body)
			}
		})
	}
}

package wsgi

import "testing"

// TestReprLatin1: %(request_line)r and %(request_line)a of a request line
// with bytes that are not UTF-8 show them as the Latin-1 characters
// eventlet decodes them to; %s writes the bytes as they came.
func TestReprLatin1(t *testing.T) {
	for _, tc := range []struct{ uri, s, repr, ascii string }{
		{"/", "GET / HTTP/1.1", `'GET / HTTP/1.1'`, `'GET / HTTP/1.1'`},
		{"/\xff\x85", "GET /\xff\x85 HTTP/1.1", `'GET /ÿ\x85 HTTP/1.1'`, `'GET /\xff\x85 HTTP/1.1'`},
		{"/é\xe9", "GET /é\xe9 HTTP/1.1", `'GET /éé HTTP/1.1'`, `'GET /\xe9\xe9 HTTP/1.1'`},
		{"/it's\xa0", "GET /it's\xa0 HTTP/1.1", `"GET /it's\xa0 HTTP/1.1"`, `"GET /it's\xa0 HTTP/1.1"`},
	} {
		t.Run(tc.repr, func(t *testing.T) {
			rec := &accessRecord{method: "GET", uri: tc.uri, proto: "HTTP/1.1"}
			for _, c := range []struct{ format, want string }{
				{"%(request_line)s", tc.s}, {"%(request_line)r", tc.repr}, {"%(request_line)a", tc.ascii},
				{"%(request_line)-30r|", tc.repr + spaces(30-runeCount(tc.repr)) + "|"},
			} {
				lf, err := compileLogFormat(c.format, false)
				if err != nil {
					t.Fatal(err)
				}
				if got := string(lf.appendLine(nil, rec)); got != c.want {
					t.Errorf("%s of %q = %s, want %s", c.format, tc.uri, got, c.want)
				}
			}
		})
	}
}

func runeCount(s string) int { return len([]rune(s)) }

func spaces(n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

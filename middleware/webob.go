package middleware

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/goslo/goslo/internal/py"
)

// HTTPError is one of WebOb's HTTP exceptions (webob.exc) raised with an
// explanation, such as HTTPBadRequest(explanation="..."), as an
// http.Handler: it answers with the page WebOb renders for it, HTML,
// JSON or plain text by the request's Accept header (WebOb's
// negotiation), or the headers alone for HEAD. An application ported from
// WebOb answers its errors as it did, and as this package's filters
// answer theirs.
type HTTPError struct {
	Code        int    // the status code
	Title       string // the reason phrase WebOb's class has; "" is http.StatusText(Code)
	Explanation string // the text of the page; markup is escaped (HTML) or stripped (plain text)
}

// ServeHTTP writes the error page for r.
func (e HTTPError) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	title := e.Title
	if title == "" {
		title = http.StatusText(e.Code)
	}
	httpError{code: e.Code, title: title, explanation: e.Explanation}.write(w, r)
}

// httpError is one of WebOb's HTTP exceptions (webob.exc), which
// oslo.middleware raises and which render themselves as an HTML, JSON or
// plain text page by the request's Accept header.
type httpError struct {
	code        int
	title       string
	explanation string
}

var errInternal = httpError{code: http.StatusInternalServerError, title: "Internal Server Error",
	explanation: "The server has either erred or is incapable of performing the requested operation."}

func errTooLarge(explanation string) httpError {
	return httpError{code: http.StatusRequestEntityTooLarge, title: "Request Entity Too Large", explanation: explanation}
}

func (e httpError) status() string { return strconv.Itoa(e.code) + " " + e.title }

// body renders the error as WebOb's generate_response does: the content
// type it picks and the page.
func (e httpError) body(accept string) (contentType, body string) {
	// The body template: "${explanation}<br /><br />\n${detail}\n${html_comment}\n"
	// with no detail or comment.
	offers := acceptableOffers(accept, true, []string{"text/html", "application/json"})
	match := ""
	if len(offers) > 0 {
		match = offers[0]
	}
	switch match {
	case "text/html":
		b := htmlEscape(e.explanation) + "<br /><br />\n\n\n"
		return "text/html; charset=UTF-8", "<html>\n <head>\n  <title>" + e.status() + "</title>\n </head>\n <body>\n  <h1>" +
			e.status() + "</h1>\n  " + b + "\n </body>\n</html>"
	case "application/json":
		b := e.explanation + "<br /><br />\n\n\n"
		var j pyJSON
		j.object([]pyKV{{"message", b}, {"code", e.status()}, {"title", e.title}})
		return "application/json", j.String()
	}
	return "text/plain; charset=UTF-8", e.status() + "\n\n" + stripTags(e.explanation+"<br /><br />\n\n\n")
}

// write sends the error page for r. A HEAD request gets the headers of
// WebOb's exception response and no body.
func (e httpError) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method == http.MethodHead {
		h.Set("Content-Type", "text/html; charset=UTF-8")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.code)
		return
	}
	accept, _ := wsgiHeader(r.Header, "Accept")
	ct, body := e.body(accept)
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.code)
	_, _ = w.Write([]byte(body))
}

var (
	brRE      = regexp.MustCompile(`(?is)<br.*?>`)
	commentRE = regexp.MustCompile(`<!--|-->`)
	tagRE     = regexp.MustCompile(`(?s)<.*?>`)
)

// stripTags is webob.exc.strip_tags, which makes the plain text page.
func stripTags(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", "")
	s = brRE.ReplaceAllString(s, "\n")
	s = commentRE.ReplaceAllString(s, "")
	return tagRE.ReplaceAllString(s, "")
}

// htmlEscape is webob.util.html_escape: Python's html.escape(s, True),
// then non-ASCII characters as &#N; references.
func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#x27;")
		default:
			if r < 0x80 {
				b.WriteRune(r)
			} else {
				b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
			}
		}
	}
	return b.String()
}

// jinjaEscape is Jinja's |e filter (markupsafe.escape).
func jinjaEscape(s string) string {
	if !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// pyJSON writes JSON as Python's json.dumps does: ", " and ": " between
// items (or, with an indent, "," at line ends), every non-ASCII
// character escaped (ensure_ascii).
type pyJSON struct {
	b      strings.Builder
	indent int // 0: compact
	depth  int
}

type pyKV struct {
	k string
	v any
}

func (j *pyJSON) String() string { return j.b.String() }

func (j *pyJSON) newline() {
	if j.indent > 0 {
		j.b.WriteByte('\n')
		j.b.WriteString(strings.Repeat(" ", j.indent*j.depth))
	}
}

func (j *pyJSON) sep() {
	if j.indent > 0 {
		j.b.WriteByte(',')
	} else {
		j.b.WriteString(", ")
	}
}

func (j *pyJSON) value(v any) {
	switch v := v.(type) {
	case nil:
		j.b.WriteString("null")
	case bool:
		if v {
			j.b.WriteString("true")
		} else {
			j.b.WriteString("false")
		}
	case int:
		j.b.WriteString(strconv.Itoa(v))
	case uint64:
		j.b.WriteString(strconv.FormatUint(v, 10))
	case string:
		j.str(v)
	case []string:
		l := make([]any, len(v))
		for i, s := range v {
			l[i] = s
		}
		j.list(l)
	case []int:
		l := make([]any, len(v))
		for i, s := range v {
			l[i] = s
		}
		j.list(l)
	case []any:
		j.list(v)
	case []pyKV:
		j.object(v)
	default:
		panic("middleware: pyJSON: unsupported value")
	}
}

func (j *pyJSON) list(l []any) {
	if len(l) == 0 {
		j.b.WriteString("[]")
		return
	}
	j.b.WriteByte('[')
	j.depth++
	for i, v := range l {
		if i > 0 {
			j.sep()
		}
		j.newline()
		j.value(v)
	}
	j.depth--
	j.newline()
	j.b.WriteByte(']')
}

func (j *pyJSON) object(kvs []pyKV) {
	if len(kvs) == 0 {
		j.b.WriteString("{}")
		return
	}
	j.b.WriteByte('{')
	j.depth++
	for i, kv := range kvs {
		if i > 0 {
			j.sep()
		}
		j.newline()
		j.str(kv.k)
		j.b.WriteString(": ")
		j.value(kv.v)
	}
	j.depth--
	j.newline()
	j.b.WriteByte('}')
}

func (j *pyJSON) str(s string) {
	var buf [128]byte
	j.b.Write(py.AppendJSONString(buf[:0], s))
}

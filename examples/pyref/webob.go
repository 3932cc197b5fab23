package main

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/goslo/goslo/internal/py"
)

// webobError is a webob.exc exception raised with an explanation
// (HTTPBadRequest(explanation=...)) as WebOb renders it: an HTML, JSON or
// plain text page by the request's Accept header. oslo.middleware's pages
// are rendered by goslo's middleware package, which does not export its
// renderer; this is the part of it pyref's own errors need.
type webobError struct {
	code               int
	title, explanation string
}

var errNotFound = webobError{http.StatusNotFound, "Not Found", "The resource could not be found."}

func (e webobError) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method == http.MethodHead {
		h.Set("Content-Type", "text/html; charset=UTF-8")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.code)
		return
	}
	ct, body := e.page(r.Header.Values("Accept"))
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.code)
	_, _ = w.Write([]byte(body))
}

// page is WebOb's generate_response for an explanation without tags.
func (e webobError) page(accept []string) (contentType, body string) {
	status := strconv.Itoa(e.code) + " " + e.title
	switch bestOffer(strings.Join(accept, ", "), "text/html", "application/json") {
	case "text/html":
		return "text/html; charset=UTF-8", "<html>\n <head>\n  <title>" + status + "</title>\n </head>\n <body>\n  <h1>" +
			status + "</h1>\n  " + htmlEscaper.Replace(e.explanation) + "<br /><br />\n\n\n\n </body>\n</html>"
	case "application/json":
		b := append([]byte(`{"message": `), py.AppendJSONString(nil, e.explanation+"<br /><br />\n\n\n")...)
		b = append(b, `, "code": `...)
		b = py.AppendJSONString(b, status)
		b = append(b, `, "title": `...)
		b = py.AppendJSONString(b, e.title)
		return "application/json", string(append(b, '}'))
	}
	// strip_tags turns the "<br /><br />\n\n\n" after the explanation into
	// two newlines and three spaces.
	return "text/plain; charset=UTF-8", status + "\n\n" + e.explanation + "\n\n   "
}

// htmlEscaper is Python's html.escape(s, quote=True).
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;")

// bestOffer is WebOb's Accept.acceptable_offers(offers)[0], simplified to
// what a media range says: an empty header accepts nothing (the plain text
// page), a header that is not valid accepts every offer, else each offer
// gets the q of the most specific range that matches it and the highest q
// above 0 wins, the first offer on a tie.
func bestOffer(header string, offers ...string) string {
	type rng struct {
		typ, sub string
		q        float64
	}
	var ranges []rng
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		params := strings.Split(part, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(params[0])), "/")
		if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			return offers[0]
		}
		q := 1.0
		for _, p := range params[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					return offers[0]
				}
				q = f
			}
		}
		ranges = append(ranges, rng{typ, sub, q})
	}
	type scored struct {
		offer string
		q     float64
	}
	var ok []scored
	for _, o := range offers {
		typ, sub, _ := strings.Cut(o, "/")
		best, q := -1, 0.0
		for _, r := range ranges {
			spec := -1
			switch {
			case r.typ == typ && r.sub == sub:
				spec = 2
			case r.typ == typ && r.sub == "*":
				spec = 1
			case r.typ == "*":
				spec = 0
			}
			if spec > best {
				best, q = spec, r.q
			}
		}
		if best >= 0 && q > 0 {
			ok = append(ok, scored{o, q})
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].q > ok[j].q })
	if len(ok) == 0 {
		return ""
	}
	return ok[0].offer
}

package middleware

import (
	"net"
	"net/http"
	"strings"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
)

// HTTPProxyToWSGI is oslo.middleware's http_proxy_to_wsgi, always on:
// behind a reverse proxy, the request is made to look as the client sent
// it to the proxy. From the first element of an RFC 7239 Forwarded
// header, or else from X-Forwarded-Proto, X-Forwarded-Host and
// X-Forwarded-For, it sets the request's scheme (r.URL.Scheme), host
// (r.Host) and client address (r.RemoteAddr); X-Forwarded-Prefix is put
// in front of the script name (paste.ScriptName). HostURL and
// ApplicationURL then build the links the client can follow, such as
// those of a versions document.
//
// The values are taken as oslo takes them: Forwarded is split at "," and
// ";" and each value trimmed of blanks (quotes are kept), and the
// X-Forwarded-* values are used whole, also when a chain of proxies made
// them lists.
func HTTPProxyToWSGI(next http.Handler) http.Handler {
	return newProxy(fixedSetting(true))(next)
}

// HTTPProxyToWSGIFromConfig is HTTPProxyToWSGI switched by conf's
// [oslo_middleware] enable_proxy_headers_parsing (default false), read
// at each request as oslo reads it: off, the headers are ignored, as they
// must be when clients can reach the service without the proxy.
func HTTPProxyToWSGIFromConfig(conf *config.Config) func(http.Handler) http.Handler {
	return newProxy(confSetting(conf, EnableProxyHeadersParsing))
}

func newProxy(enabled *setting[bool]) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if enabled.get() {
				r = proxiedRequest(r)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// proxiedRequest applies the proxy headers to a shallow copy of r.
func proxiedRequest(r *http.Request) *http.Request {
	var proto, host, forwardedFor string
	if fwd, ok := wsgiHeader(r.Header, "Forwarded"); ok && fwd != "" {
		first := parseForwarded(fwd)
		proto, host, forwardedFor = first["proto"], first["host"], first["for"]
	} else {
		proto, _ = wsgiHeader(r.Header, "X-Forwarded-Proto")
		host, _ = wsgiHeader(r.Header, "X-Forwarded-Host")
		forwardedFor, _ = wsgiHeader(r.Header, "X-Forwarded-For")
	}
	prefix, _ := wsgiHeader(r.Header, "X-Forwarded-Prefix")
	if proto == "" && host == "" && forwardedFor == "" && prefix == "" {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	if proto != "" {
		u := *r.URL
		u.Scheme = proto
		r2.URL = &u
	}
	if host != "" {
		r2.Host = host
	}
	if forwardedFor != "" {
		r2.RemoteAddr = forwardedFor
	}
	if prefix != "" {
		r2 = r2.WithContext(paste.WithScriptName(r.Context(), prefix+paste.ScriptName(r.Context())))
	}
	return r2
}

// parseForwarded returns the parameters of the first element of a
// Forwarded header, as oslo's _parse_rfc7239_header reads them: keys in
// lower case, keys and values trimmed, no unquoting; a later parameter
// of the same name wins.
func parseForwarded(h string) map[string]string {
	first, _, _ := strings.Cut(h, ",")
	m := map[string]string{}
	for _, d := range strings.Split(first, ";") {
		k, v, _ := strings.Cut(d, "=")
		m[strings.ToLower(pyStrip(k))] = pyStrip(v)
	}
	return m
}

// pyStrip is Python's str.strip() of a WSGI header value, whose bytes
// are latin-1 characters: it trims the bytes that are whitespace there.
func pyStrip(s string) string {
	isSpace := func(c byte) bool {
		return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0
	}
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// scriptName is WSGI's SCRIPT_NAME: where the application is mounted.
func scriptName(r *http.Request) string { return paste.ScriptName(r.Context()) }

// scheme is the request's URL scheme as WSGI's wsgi.url_scheme: the one
// http_proxy_to_wsgi set, else https for a TLS connection, else http.
func scheme(r *http.Request) string {
	if r.URL != nil && r.URL.Scheme != "" {
		return r.URL.Scheme
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// HostURL is WebOb's req.host_url: the scheme and host the client used,
// without a default port ("https://api.example.com"), honouring what
// HTTPProxyToWSGI set.
func HostURL(r *http.Request) string {
	var buf [128]byte
	return string(appendHostURL(buf[:0], r))
}

func appendHostURL(b []byte, r *http.Request) []byte {
	sch := scheme(r)
	host, port := r.Host, ""
	if host != "" {
		if i := strings.LastIndexByte(host, ':'); i >= 0 && host[len(host)-1] != ']' {
			host, port = host[:i], host[i+1:]
		}
	} else {
		host, port = serverNamePort(r)
	}
	switch {
	case sch == "https" && port == "443", sch == "http" && port == "80":
		port = ""
	}
	b = append(append(append(b, sch...), "://"...), host...)
	if port != "" {
		b = append(append(b, ':'), port...)
	}
	return b
}

// ApplicationURL is WebOb's req.application_url: HostURL and the script
// name (the prefix the application is mounted at, with
// X-Forwarded-Prefix): the base of the links a handler returns, such as
// "https://api.example.com/compute" + "/v2.1/".
func ApplicationURL(r *http.Request) string {
	var buf [128]byte
	return string(AppendApplicationURL(buf[:0], r))
}

// AppendApplicationURL appends ApplicationURL(r) to b, for a handler
// that looks the URL up (in a cache of the documents that hold it)
// without making a string of it.
func AppendApplicationURL(b []byte, r *http.Request) []byte {
	return appendPathQuote(appendHostURL(b, r), paste.ScriptName(r.Context()))
}

// serverNamePort is WSGI's SERVER_NAME and SERVER_PORT: the address the
// connection came in on.
func serverNamePort(r *http.Request) (string, string) {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if h, p, err := net.SplitHostPort(a.String()); err == nil {
			if strings.Contains(h, ":") {
				h = "[" + h + "]"
			}
			return h, p
		}
	}
	return "localhost", ""
}

// pathQuote is urllib.parse.quote(s, safe=webob's PATH_SAFE) on the
// UTF-8 bytes of s.
func pathQuote(s string) string {
	if !needsPathQuote(s) {
		return s
	}
	return string(appendPathQuote(make([]byte, 0, len(s)+16), s))
}

const pathSafe = "/~!$&'()*+,;=:@_.-"

func needsPathQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(pathSafe, c) < 0 {
			return true
		}
	}
	return false
}

// appendPathQuote appends pathQuote(s) to b.
func appendPathQuote(b []byte, s string) []byte {
	if !needsPathQuote(s) {
		return append(b, s...)
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte(pathSafe, c) >= 0 {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// SSL is oslo.middleware's deprecated ssl filter (SSLMiddleware): the
// request's scheme is the value of the header named by header (oslo's
// [oslo_middleware] secure_proxy_ssl_header, default X-Forwarded-Proto),
// when the request has it. Use HTTPProxyToWSGI instead.
func SSL(header string) func(http.Handler) http.Handler {
	return newSSL(fixedSetting(header))
}

func newSSL(header *setting[string]) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			name := http.CanonicalHeaderKey(strings.ReplaceAll(header.get(), "_", "-"))
			if v, ok := wsgiHeader(r.Header, name); ok {
				r2 := new(http.Request)
				*r2 = *r
				u := *r.URL
				u.Scheme = v
				r2.URL = &u
				r = r2
			}
			next.ServeHTTP(w, r)
		})
	}
}

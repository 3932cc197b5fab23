package paste

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// URLMap sends each request to the application mounted at the longest
// matching URL prefix, like Paste's paste.urlmap.URLMap: "/v2.1" matches
// "/v2.1" and "/v2.1/servers" but not "/v2.10"; "/" matches everything.
// An application mounted with a host ("http://example.com/v2") is tried,
// for requests to that host, before every application without one.
//
// The mounted application sees the request the way WSGI's SCRIPT_NAME and
// PATH_INFO describe it, done the net/http way: r.URL.Path loses the
// prefix (runs of "/" collapsed, as Paste does), and the prefix is added to
// the script name in the request context (ScriptName), from which the
// application builds its links.
//
// Handle all applications before serving; a URLMap is then safe for
// concurrent use.
type URLMap struct {
	// NotFound answers requests no prefix matches (default: 404).
	NotFound http.Handler

	entries    []mapEntry
	hasDomains bool
}

type mapEntry struct {
	domain    string
	hasDomain bool // "http:///x" has an empty domain, not none (Paste keeps both)
	path      string
	h         http.Handler
}

// Handle mounts h at u: "/prefix", or "http://host/prefix",
// "http://host:port/prefix" ("https://" too) to match that host only. A
// trailing "/" is ignored, so "/" mounts h for every path; mounting at a
// URL again replaces the application.
func (m *URLMap) Handle(u string, h http.Handler) error {
	if h == nil {
		return fmt.Errorf("paste: urlmap: nil handler for %q", u)
	}
	domain, hasDomain, path, err := normalizeURL(u, true)
	if err != nil {
		return err
	}
	m.entries = slices.DeleteFunc(m.entries, func(e mapEntry) bool {
		return e.hasDomain == hasDomain && e.domain == domain && e.path == path
	})
	m.entries = append(m.entries, mapEntry{domain: domain, hasDomain: hasDomain, path: path, h: h})
	// Longest first, entries with a domain before the others (Paste's
	// sort_apps: the key of no domain is "\xff").
	sortKey := func(e mapEntry) string {
		if e.domain == "" {
			return "\u00ff"
		}
		return e.domain
	}
	slices.SortStableFunc(m.entries, func(a, b mapEntry) int {
		if c := strings.Compare(sortKey(a), sortKey(b)); c != 0 {
			return c
		}
		if la, lb := utf8.RuneCountInString(a.path), utf8.RuneCountInString(b.path); la != lb {
			return lb - la
		}
		if c := strings.Compare(a.domain, b.domain); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	m.hasDomains = m.hasDomains || domain != ""
	return nil
}

// Prefixes returns the mounted URLs in the order they are tried.
func (m *URLMap) Prefixes() []string {
	out := make([]string, len(m.entries))
	for i, e := range m.entries {
		if e.hasDomain {
			out[i] = "http://" + e.domain + e.path
		} else {
			out[i] = e.path
		}
	}
	return out
}

// normalizeURL is URLMap.normalize_url.
func normalizeURL(u string, trim bool) (domain string, hasDomain bool, path string, err error) {
	rest, isURL := strings.CutPrefix(u, "http://")
	if !isURL {
		rest, isURL = strings.CutPrefix(u, "https://")
	}
	if u != "" && !strings.HasPrefix(u, "/") && !isURL {
		return "", false, "", fmt.Errorf("paste: urlmap: URL fragments must start with / or http:// (you gave %q)", u)
	}
	path = u
	if isURL {
		hasDomain = true
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			domain, path = rest[:i], rest[i:]
		} else {
			domain, path = rest, ""
		}
	}
	path = collapseSlashes(path)
	if trim {
		path = strings.TrimRight(path, "/")
	}
	return domain, hasDomain, path, nil
}

// collapseSlashes replaces runs of "/" by one, without allocating when
// there are none.
func collapseSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// ServeHTTP dispatches r, as URLMap.__call__ does.
func (m *URLMap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var host, port string
	if m.hasDomains {
		host, port = requestHostPort(r)
	}
	path := collapseSlashes(r.URL.Path)
	for i := range m.entries {
		e := &m.entries[i]
		if e.domain != "" && e.domain != host && !isHostPort(e.domain, host, port) {
			continue
		}
		if path == e.path || (strings.HasPrefix(path, e.path) && path[len(e.path)] == '/') {
			if e.path == "" && len(path) == len(r.URL.Path) {
				e.h.ServeHTTP(w, r) // "/" mount: nothing to change
				return
			}
			e.h.ServeHTTP(w, mount(r, e.path, path[len(e.path):], len(path) != len(r.URL.Path)))
			return
		}
	}
	if m.NotFound != nil {
		m.NotFound.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// isHostPort reports whether domain == host + ":" + port.
func isHostPort(domain, host, port string) bool {
	return len(domain) == len(host)+1+len(port) && strings.HasPrefix(domain, host) &&
		domain[len(host)] == ':' && strings.HasSuffix(domain, port)
}

// requestHostPort is the lower-cased HTTP_HOST split at its port (the
// scheme's default port when it has none). Unlike Paste, an IPv6 literal
// "[::1]:8080" splits at its last colon.
func requestHostPort(r *http.Request) (string, string) {
	host := strings.ToLower(r.Host)
	if strings.HasPrefix(host, "[") {
		if i := strings.LastIndex(host, "]:"); i >= 0 {
			return host[:i+1], host[i+2:]
		}
	} else if h, p, ok := strings.Cut(host, ":"); ok {
		return h, p
	}
	if r.TLS != nil || r.URL.Scheme == "https" {
		return host, "443"
	}
	return host, "80"
}

// mounted is the request context of a mounted application: the parent
// context plus the script name. It is one allocation with the request copy
// (a context.WithValue plus Request.WithContext would be two more).
type mounted struct {
	context.Context
	script string
}

type scriptNameKey struct{}

func (c *mounted) Value(key any) any {
	if key == (scriptNameKey{}) {
		return &c.script // a pointer: boxing the string would allocate
	}
	return c.Context.Value(key)
}

type mountedRequest struct {
	req http.Request
	url url.URL
	ctx mounted
}

// mount returns r for the application mounted at prefix, with rest as its
// path.
func mount(r *http.Request, prefix, rest string, collapsed bool) *http.Request {
	m := new(mountedRequest)
	m.ctx.Context = r.Context()
	m.ctx.script = ScriptName(m.ctx.Context) + prefix
	m.req = *r.WithContext(&m.ctx)
	m.url = *r.URL
	m.url.Path = rest
	m.url.RawPath = ""
	if raw := r.URL.RawPath; raw != "" && !collapsed && strings.HasPrefix(raw, prefix) {
		m.url.RawPath = raw[len(prefix):]
	}
	m.req.URL = &m.url
	return &m.req
}

// ScriptName returns the URL prefix the application serving ctx's request
// is mounted at (WSGI's SCRIPT_NAME): "" at the root, "/v2.1" under a
// urlmap's "/v2.1". Links the application builds start with it.
func ScriptName(ctx context.Context) string {
	if s, ok := ctx.Value(scriptNameKey{}).(*string); ok {
		return *s
	}
	return ""
}

// WithScriptName returns ctx with the script name set to name, for a
// middleware that moves the application (oslo's http_proxy_to_wsgi puts
// X-Forwarded-Prefix in front of it).
func WithScriptName(ctx context.Context, name string) context.Context {
	return &mounted{Context: ctx, script: name}
}

// URLMapFactory is Paste's urlmap_factory: each key of the section is a
// path expression ("/v2", "domain example.com /v2", "domain example.com
// port 8080 /"), its value the name of the application to mount there;
// not_found_app (in the section, or in the global configuration) names the
// application for the rest. It is registered as "egg:Paste#urlmap" and
// "call:paste.urlmap:urlmap_factory" in every NewRegistry; register it
// under other names for services with their own urlmap
// ("call:nova.api.openstack.urlmap:urlmap_factory").
func URLMapFactory(l *Loader, global, local map[string]string) (http.Handler, error) {
	m := &URLMap{}
	notFound, ok := local["not_found_app"]
	if !ok {
		notFound = global["not_found_app"]
	}
	if notFound != "" {
		h, err := l.GetApp(notFound, global)
		if err != nil {
			return nil, err
		}
		m.NotFound = h
	}
	for _, k := range l.Keys() {
		if k == "not_found_app" {
			continue
		}
		u, err := parsePathExpression(k)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		h, err := l.GetApp(local[k], global)
		if err != nil {
			return nil, err
		}
		if err := m.Handle(u, h); err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
	}
	return m, nil
}

// parsePathExpression is paste.urlmap.parse_path_expression.
func parsePathExpression(expr string) (string, error) {
	parts := fields(expr)
	var domain, port, path string
	for len(parts) > 0 {
		switch parts[0] {
		case "domain":
			if len(parts) < 2 {
				return "", fmt.Errorf("'domain' must be followed with a domain name")
			}
			if domain != "" {
				return "", fmt.Errorf("'domain' given twice")
			}
			domain, parts = parts[1], parts[2:]
		case "port":
			if len(parts) < 2 {
				return "", fmt.Errorf("'port' must be followed with a port number")
			}
			if port != "" {
				return "", fmt.Errorf("'port' given twice")
			}
			port, parts = parts[1], parts[2:]
		default:
			if path != "" {
				return "", fmt.Errorf("more than one path given (have %q, got %q)", path, parts[0])
			}
			path, parts = parts[0], parts[1:]
		}
	}
	s := ""
	if domain != "" {
		s = "http://" + domain
	}
	if port != "" {
		if domain == "" {
			return "", fmt.Errorf("if you give a port, you must also give a domain")
		}
		s += ":" + port
	}
	if path != "" {
		if s != "" {
			s += "/"
		}
		s += path
	}
	return s, nil
}

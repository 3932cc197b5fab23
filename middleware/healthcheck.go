package middleware

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goslo/goslo/config"
)

// HealthcheckResult is what a backend reports (oslo's HealthcheckResult).
type HealthcheckResult struct {
	Available bool
	Reason    string // shown in every format; "OK" or why not
	Details   string // shown in detailed mode
	// Class is the "class" of detailed output; "" means
	// "HealthcheckResult", as oslo's plugins report.
	Class string
}

// A HealthcheckBackend checks one thing the service needs (oslo's
// healthcheck plugins, the oslo.middleware.healthcheck entry points).
// port is the port the request came in on, which
// DisableByFilesPorts uses to tell a service's endpoints apart.
type HealthcheckBackend interface {
	Healthcheck(ctx context.Context, port int) HealthcheckResult
}

// HealthcheckBackendFunc adapts a function to HealthcheckBackend.
type HealthcheckBackendFunc func(ctx context.Context, port int) HealthcheckResult

// Healthcheck implements HealthcheckBackend.
func (f HealthcheckBackendFunc) Healthcheck(ctx context.Context, port int) HealthcheckResult {
	return f(ctx, port)
}

// Healthcheck is oslo.middleware's healthcheck, for load balancers and
// monitoring: 200 when every backend reports available (503 otherwise),
// with the backends' reasons as text/plain (one per line, "OK"),
// text/html or application/json, chosen by the Accept header as WebOb
// chooses (text/plain when nothing matches); a HEAD request gets 204 (or
// 503) and no body. Without backends the answer is an empty 200. In
// detailed mode the JSON and HTML pages also show the host, the time,
// the platform, the garbage collector and every goroutine's stack (see
// the package documentation): do not expose it to untrusted clients.
//
// As an application (ServeHTTP) it answers every request; as a filter
// (Wrap) it answers the requests for Path and passes the others on.
type Healthcheck struct {
	Path     string // the filter's path; "" means "/healthcheck"
	Detailed bool
	Backends []HealthcheckBackend
}

// ServeHTTP answers the health check, whatever the path (oslo's
// Healthcheck.app_factory).
func (h *Healthcheck) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r)
}

// Wrap returns next with the health check answered at h.Path (oslo's
// Healthcheck.factory, deprecated there in favour of the application).
// The path compared is the full one, script name included and quoted
// ("/health%20check"), as WebOb's req.path.
func (h *Healthcheck) Wrap(next http.Handler) http.Handler {
	path := h.Path
	if path == "" {
		path = "/healthcheck"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fullPath(r) != path {
			next.ServeHTTP(w, r)
			return
		}
		h.respond(w, r)
	})
}

var healthcheckOffers = []string{"text/plain", "text/html", "application/json"}

func (h *Healthcheck) respond(w http.ResponseWriter, r *http.Request) {
	port := serverPort(r)
	results := make([]HealthcheckResult, len(h.Backends))
	healthy := true
	for i, b := range h.Backends {
		results[i] = b.Healthcheck(r.Context(), port)
		if !results[i].Available {
			healthy = false
		}
	}
	var status int
	var ct, body string
	if r.Method == http.MethodHead {
		status = http.StatusNoContent
		if !healthy {
			status = http.StatusServiceUnavailable
		}
		ct = "text/plain; charset=UTF-8"
	} else {
		status = http.StatusOK
		if !healthy {
			status = http.StatusServiceUnavailable
		}
		accept, present := wsgiHeader(r.Header, "Accept")
		kind := "text/plain"
		if offers := acceptableOffers(accept, present, healthcheckOffers); len(offers) > 0 {
			kind = offers[0]
		}
		switch kind {
		case "text/html":
			var d *healthDetails
			if h.Detailed {
				d = collectDetails()
			}
			ct, body = "text/html; charset=UTF-8", renderHealthHTML(results, d)
		case "application/json":
			var d *healthDetails
			if h.Detailed {
				d = collectDetails()
			}
			ct, body = "application/json", renderHealthJSON(results, d)
		default:
			ct, body = "text/plain; charset=UTF-8", renderHealthText(results)
		}
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if status == http.StatusNoContent {
		// WebOb drops both from a 204.
		hd.Del("Content-Type")
		hd.Del("Content-Length")
	}
	w.WriteHeader(status)
	if body != "" {
		_, _ = w.Write([]byte(body))
	}
}

// fullPath is WebOb's req.path: script name and path, quoted.
func fullPath(r *http.Request) string {
	return pathQuote(scriptName(r) + r.URL.Path)
}

// serverPort is WSGI's SERVER_PORT: the port of the connection, else the
// Host header's, else the scheme's default.
func serverPort(r *http.Request) int {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			if n, err := strconv.Atoi(p); err == nil {
				return n
			}
		}
	}
	if _, p, err := net.SplitHostPort(r.Host); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			return n
		}
	}
	if scheme(r) == "https" {
		return 443
	}
	return 80
}

// The built-in backends.

const loggerDisableByFile = "oslo_middleware.healthcheck.disable_by_file"

// DisableByFile reports the service unavailable while a file exists
// (oslo's disable_by_file backend): operators touch the file to take a
// node out of a load balancer before maintenance.
type DisableByFile struct {
	Path string // no path: always available, with a warning per check
}

// Healthcheck implements HealthcheckBackend.
func (d DisableByFile) Healthcheck(_ context.Context, _ int) HealthcheckResult {
	return checkDisableByFile(d.Path)
}

func checkDisableByFile(path string) HealthcheckResult {
	if path == "" {
		logger(loggerDisableByFile).Warn("DisableByFile healthcheck middleware enabled without disable_by_file_path set")
		return HealthcheckResult{Available: true, Reason: "OK",
			Details: "No 'disable_by_file_path' configuration value specified"}
	}
	if !pathExists(path) {
		return HealthcheckResult{Available: true, Reason: "OK", Details: fmt.Sprintf("Path '%s' was not found", path)}
	}
	return HealthcheckResult{Available: false, Reason: "DISABLED BY FILE", Details: fmt.Sprintf("Path '%s' was found", path)}
}

func pathExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// disableByFileConf is disable_by_file configured by [healthcheck]
// disable_by_file_path, read at each check as oslo reads it.
type disableByFileConf struct{ path *setting[string] }

func (d disableByFileConf) Healthcheck(_ context.Context, _ int) HealthcheckResult {
	return checkDisableByFile(d.path.get())
}

// DisableByFilesPorts is oslo's disable_by_files_ports backend: one file
// per port, for a service that listens on several (keystone's public and
// admin ports).
type DisableByFilesPorts struct {
	Paths map[int]string
}

// Healthcheck implements HealthcheckBackend.
func (d DisableByFilesPorts) Healthcheck(_ context.Context, port int) HealthcheckResult {
	path := d.Paths[port]
	if path == "" {
		logger(loggerDisableByFile).Warn(fmt.Sprintf(
			"DisableByFilesPorts healthcheck middleware enabled without disable_by_file_paths set for port %d", port))
		return HealthcheckResult{Available: true, Reason: "OK"}
	}
	if !pathExists(path) {
		return HealthcheckResult{Available: true, Reason: "OK"}
	}
	return HealthcheckResult{Available: false, Reason: "DISABLED BY FILE"}
}

// ParseDisableByFilePaths reads disable_by_file_paths items, "PORT:PATH",
// as oslo does: blank items are skipped, the path is everything after the
// first colon, and a later item for a port wins.
func ParseDisableByFilePaths(items []string) (map[int]string, error) {
	m := map[int]string{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		port, path, ok := strings.Cut(it, ":")
		if !ok {
			return nil, fmt.Errorf("disable_by_file_paths: %q is not PORT:PATH", it)
		}
		n, err := strconv.Atoi(strings.TrimSpace(port))
		if err != nil {
			return nil, fmt.Errorf("disable_by_file_paths: %q: invalid port %q", it, port)
		}
		m[n] = path
	}
	return m, nil
}

// HealthcheckBackendFactory makes a backend for a healthcheck from the
// service's Config (its options registered with RegisterOptions) and the
// paste configuration of the healthcheck's section (global conf updated
// with the local one; nil outside paste), as oslo's plugins get
// (oslo_conf, conf).
type HealthcheckBackendFactory func(conf *config.Config, paste map[string]string) (HealthcheckBackend, error)

var healthBackends = struct {
	sync.RWMutex
	m map[string]HealthcheckBackendFactory
}{m: map[string]HealthcheckBackendFactory{}}

// RegisterHealthcheckBackend makes a backend known by name to the
// [healthcheck] backends option (oslo's oslo.middleware.healthcheck
// entry points). Registering a name again replaces it, also the built-in
// disable_by_file and disable_by_files_ports.
func RegisterHealthcheckBackend(name string, f HealthcheckBackendFactory) {
	if name == "" || f == nil {
		panic("middleware: RegisterHealthcheckBackend needs a name and a factory")
	}
	healthBackends.Lock()
	defer healthBackends.Unlock()
	healthBackends.m[name] = f
}

// HealthcheckBackendNames returns the names of the known backends.
func HealthcheckBackendNames() []string {
	healthBackends.RLock()
	defer healthBackends.RUnlock()
	names := []string{"disable_by_file", "disable_by_files_ports"}
	for n := range healthBackends.m {
		if n != "disable_by_file" && n != "disable_by_files_ports" {
			names = append(names, n)
		}
	}
	sort.Strings(names[2:])
	return names
}

// HealthcheckFromConfig builds the healthcheck from conf's [healthcheck]
// options (path, detailed, backends and the backends' own).
func HealthcheckFromConfig(conf *config.Config) (*Healthcheck, error) {
	fc, err := newFilterConf(conf, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("healthcheck: %w", err)
	}
	return newHealthcheck(fc)
}

func newHealthcheck(fc *filterConf) (*Healthcheck, error) {
	path, err := lookup(fc, HealthcheckPath)
	if err != nil {
		return nil, err
	}
	detailed, err := lookup(fc, HealthcheckDetailed)
	if err != nil {
		return nil, err
	}
	names, err := lookup(fc, HealthcheckBackends)
	if err != nil {
		return nil, err
	}
	h := &Healthcheck{Path: path.get(), Detailed: detailed.get()}
	// stevedore's NamedExtensionManager with name_order: the named
	// backends in the order given (a name given twice is the same
	// backend twice); unknown names, and backends whose configuration
	// is wrong, are skipped with a warning (and an error) logged.
	made := map[string]HealthcheckBackend{}
	var missing []string
	for _, name := range names.get() {
		if _, done := made[name]; done {
			continue
		}
		b, err := makeBackend(name, fc)
		if err != nil {
			// stevedore logs a plugin that fails to load and goes on
			// without it: the service starts, the check is skipped.
			logger("stevedore.extension").Error(fmt.Sprintf("Could not load '%s': %v", name, err),
				"exc_info", err)
			b = nil
		}
		made[name] = b
		if b == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		logger("stevedore.named").Warn("Could not load " + strings.Join(missing, ", "))
	}
	for _, name := range names.get() {
		if b := made[name]; b != nil {
			h.Backends = append(h.Backends, b)
		}
	}
	return h, nil
}

func makeBackend(name string, fc *filterConf) (HealthcheckBackend, error) {
	healthBackends.RLock()
	f := healthBackends.m[name]
	healthBackends.RUnlock()
	if f != nil {
		return f(fc.conf, fc.paste)
	}
	switch name {
	case "disable_by_file":
		p, err := lookup(fc, DisableByFilePath)
		if err != nil {
			return nil, err
		}
		return disableByFileConf{p}, nil
	case "disable_by_files_ports":
		p, err := lookup(fc, DisableByFilePaths)
		if err != nil {
			return nil, err
		}
		m, err := ParseDisableByFilePaths(p.get())
		if err != nil {
			return nil, err
		}
		return DisableByFilesPorts{Paths: m}, nil
	}
	return nil, nil
}

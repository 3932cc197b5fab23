package paste

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// AppFactory makes an application, like a Python paste.app_factory:
// global is the global configuration ([DEFAULT], "here", "__file__", "set"
// overrides), local the section's own keys.
type AppFactory func(global, local map[string]string) (http.Handler, error)

// FilterFactory makes a filter (a middleware), like a Python
// paste.filter_factory. The filter is applied to the application it wraps.
type FilterFactory func(global, local map[string]string) (func(http.Handler) http.Handler, error)

// FilterAppFactory makes a filtered application from the application it
// wraps, like a Python paste.filter_app_factory.
type FilterAppFactory func(next http.Handler, global, local map[string]string) (http.Handler, error)

// CompositeFactory makes an application out of other applications of the
// same file, like a Python paste.composite_factory (urlmap, OpenStack's
// pipeline_factory): l loads them by name.
type CompositeFactory func(l *Loader, global, local map[string]string) (http.Handler, error)

// factory is what a name is registered as: one factory per protocol, as
// one Python distribution may have an entry point of one name in several
// groups (oslo.middleware's healthcheck is both a paste.app_factory and a
// paste.filter_factory). The loader picks the one the section needs.
type factory struct {
	name      string // as the ini file wrote it, for messages and Inspect
	explicit  bool   // named by a paste.*_factory key: Inspect shows "PROTOCOL:EXPR"
	stub      bool   // Inspect's recording stub: speaks whatever the section asks
	app       AppFactory
	filter    FilterFactory
	filterApp FilterAppFactory
	composite CompositeFactory
}

// kinds says what f is registered as, for messages.
func (f *factory) kinds() string {
	var k []string
	if f.app != nil {
		k = append(k, "an app factory")
	}
	if f.composite != nil {
		k = append(k, "a composite factory")
	}
	if f.filter != nil {
		k = append(k, "a filter factory")
	}
	if f.filterApp != nil {
		k = append(k, "a filter-app factory")
	}
	return strings.Join(k, " and ")
}

// Registry maps the names ini files give factories to Go factories. The
// names are those of the ini files:
//
//   - "egg:DIST#ENTRY" for use = egg:DIST#ENTRY ("egg:DIST" means
//     "egg:DIST#main"; DIST is compared as Python compares distribution
//     names: case, "-", "_" and "." do not matter);
//   - "call:MODULE:OBJECT" for use = call:MODULE:OBJECT;
//   - "MODULE:OBJECT" for an explicit key (paste.app_factory =
//     MODULE:OBJECT, paste.filter_factory = ..., ...).
//
// A "call:" name and an explicit name of the same MODULE:OBJECT are the
// same Python object, so registering either one serves both spellings.
//
// A name may be registered once per kind (App, Filter, FilterApp,
// Composite), like an entry point name in several groups: the section that
// uses it decides which one is called. A later registration of a name and
// kind replaces the earlier one (a service may replace a built-in). A
// Registry is safe for concurrent use.
type Registry struct {
	mu sync.RWMutex
	m  map[string]*factory
}

// NewRegistry returns a registry that knows Paste's own urlmap composite
// ("egg:Paste#urlmap", "call:paste.urlmap:urlmap_factory").
func NewRegistry() *Registry {
	r := &Registry{m: map[string]*factory{}}
	r.Composite("egg:Paste#urlmap", URLMapFactory)
	r.Composite("paste.urlmap:urlmap_factory", URLMapFactory)
	return r
}

// DefaultRegistry is the registry of the package-level Register functions
// and LoadApp.
var DefaultRegistry = NewRegistry()

// App registers an application factory under name.
func (r *Registry) App(name string, f AppFactory) {
	r.add(name, f == nil, func(e *factory) { e.app = f })
}

// Filter registers a filter factory under name.
func (r *Registry) Filter(name string, f FilterFactory) {
	r.add(name, f == nil, func(e *factory) { e.filter = f })
}

// FilterApp registers a filter-app factory under name.
func (r *Registry) FilterApp(name string, f FilterAppFactory) {
	r.add(name, f == nil, func(e *factory) { e.filterApp = f })
}

// Composite registers a composite factory under name.
func (r *Registry) Composite(name string, f CompositeFactory) {
	r.add(name, f == nil, func(e *factory) { e.composite = f })
}

// Middleware registers a plain net/http middleware as a filter that takes
// no configuration.
func (r *Registry) Middleware(name string, mw func(http.Handler) http.Handler) {
	if mw == nil {
		r.Filter(name, nil)
		return
	}
	r.Filter(name, func(_, _ map[string]string) (func(http.Handler) http.Handler, error) { return mw, nil })
}

// Handler registers h as an application that takes no configuration.
func (r *Registry) Handler(name string, h http.Handler) {
	if h == nil {
		r.App(name, nil)
		return
	}
	r.App(name, func(_, _ map[string]string) (http.Handler, error) { return h, nil })
}

// add panics on a programming error (an empty name or a nil factory), as
// http.Handle does: registration is code, not input.
func (r *Registry) add(name string, isNil bool, set func(*factory)) {
	key, err := registryKey(name)
	if err != nil {
		panic("paste: register: " + err.Error())
	}
	if isNil {
		panic(fmt.Sprintf("paste: register %q: nil factory", name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &factory{}
	if old := r.m[key]; old != nil {
		*e = *old // copy: a lookup may hold the old one
	}
	set(e)
	r.m[key] = e
}

// lookup returns a copy of what key is registered as, named display.
func (r *Registry) lookup(key, display string) *factory {
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.m[key]
	if !ok {
		return nil
	}
	g := *f
	g.name = display
	return &g
}

// RegisterApp registers an application factory in DefaultRegistry.
func RegisterApp(name string, f AppFactory) { DefaultRegistry.App(name, f) }

// RegisterFilter registers a filter factory in DefaultRegistry.
func RegisterFilter(name string, f FilterFactory) { DefaultRegistry.Filter(name, f) }

// RegisterFilterApp registers a filter-app factory in DefaultRegistry.
func RegisterFilterApp(name string, f FilterAppFactory) { DefaultRegistry.FilterApp(name, f) }

// RegisterComposite registers a composite factory in DefaultRegistry.
func RegisterComposite(name string, f CompositeFactory) { DefaultRegistry.Composite(name, f) }

// registryKey is the canonical form of a factory name.
func registryKey(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("empty factory name")
	}
	scheme, rest, ok := strings.Cut(name, ":")
	if ok && isLetters(scheme) {
		switch strings.ToLower(scheme) {
		case "egg":
			dist, entry, _ := strings.Cut(rest, "#")
			return eggKey(dist, entry), nil
		case "call":
			return rest, nil
		}
	}
	return name, nil
}

func eggKey(dist, entry string) string {
	if entry == "" {
		entry = "main"
	}
	return "egg:" + normalizeDist(dist) + "#" + entry
}

var distSep = regexp.MustCompile(`[-_.]+`)

// normalizeDist is how importlib.metadata compares distribution names.
func normalizeDist(d string) string {
	return strings.ToLower(distSep.ReplaceAllString(d, "-"))
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// The registry as the loader's source of factories.

func (r *Registry) egg(spec, entry string, ot objectType) (*factory, string, error) {
	display := "egg:" + spec + "#" + orMain(entry)
	f := r.lookup(eggKey(spec, entry), display)
	if f == nil {
		return nil, "", fmt.Errorf("%w for %q", ErrNoFactory, display)
	}
	// Like an entry point, an egg name brings its protocol: the one of
	// its kinds the object type takes (find_egg_entry_point).
	if ot == objFilter {
		switch {
		case f.filter != nil:
			return f, protoFilter, nil
		case f.filterApp != nil:
			return f, protoFilterApp, nil
		}
	} else {
		switch {
		case f.app != nil && f.composite != nil:
			return nil, "", fmt.Errorf("%w: %q is registered as both an app and a composite factory", ErrAmbiguous, display)
		case f.app != nil:
			return f, protoApp, nil
		case f.composite != nil:
			return f, protoComposite, nil
		}
	}
	return nil, "", fmt.Errorf("%w: %q is %s, not %s", ErrWrongKind, display, f.kinds(), ot.wants())
}

func (r *Registry) call(spec string) (*factory, error) {
	f := r.lookup(spec, "call:"+spec)
	if f == nil {
		return nil, fmt.Errorf("%w for %q", ErrNoFactory, "call:"+spec)
	}
	return f, nil
}

func (r *Registry) explicit(protocol, expr string) (*factory, error) {
	f := r.lookup(expr, expr)
	if f == nil {
		return nil, fmt.Errorf("%w for %q (%s)", ErrNoFactory, expr, protocol)
	}
	f.explicit = true
	return f, nil
}

func orMain(entry string) string {
	if entry == "" {
		return "main"
	}
	return entry
}

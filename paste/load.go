package paste

import (
	"fmt"
	"net/http"
)

// Option changes how a file is loaded.
type Option func(*options)

type options struct {
	global   map[string]string
	readFile func(string) ([]byte, error) // tests: files from memory
}

// WithGlobalConf passes a global configuration to the load, as loadapp's
// global_conf argument does: its keys are added to the [DEFAULT] of the
// file (where it has no such key) and override [DEFAULT] in what the
// factories get.
func WithGlobalConf(global map[string]string) Option {
	return func(o *options) { o.global = global }
}

// LoadApp loads the application called name ("" means "main") from the
// paste ini file, with the factories registered in r, as Paste's
// loadapp("config:FILE", name=NAME) does. file is made absolute first
// ("here" and "__file__" are absolute, config: references relative to it).
func (r *Registry) LoadApp(file, name string, opts ...Option) (http.Handler, error) {
	return load(r, file, name, opts)
}

// LoadApp loads an application with the factories of DefaultRegistry.
func LoadApp(file, name string, opts ...Option) (http.Handler, error) {
	return DefaultRegistry.LoadApp(file, name, opts...)
}

func load(src source, file, name string, opts []Option) (http.Handler, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if name == "" {
		name = "main"
	}
	abs := pyAbspath(file)
	e := newEngine(src)
	if o.readFile != nil {
		e.readFile = o.readFile
	}
	l, err := e.newConfigLoader(abs)
	if err != nil {
		return nil, fmt.Errorf("paste: %w", err)
	}
	global := confOf(o.global)
	if global.len() > 0 {
		l.updateDefaults(global)
	}
	fail := func(err error) (http.Handler, error) {
		if le, ok := err.(*Error); ok && le.File == l.filename {
			return nil, fmt.Errorf("paste: %w", err) // located in the file already
		}
		return nil, fmt.Errorf("paste: %w", &Error{File: l.filename, Item: fmt.Sprintf("app %q", name), Err: err})
	}
	ctx, err := l.getContext(objApp, &name, global)
	if err != nil {
		return fail(err)
	}
	obj, err := e.create(ctx)
	if err != nil {
		return fail(err)
	}
	if obj.app == nil {
		return fail(fmt.Errorf("%w: %q is a filter, not an application", ErrWrongKind, name))
	}
	return obj.app, nil
}

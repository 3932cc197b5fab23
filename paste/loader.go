package paste

import (
	"fmt"
	"net/http"
	"slices"
)

// Loader loads the other applications and filters of the file for a
// composite factory, as Paste's loader argument does (get_app,
// get_filter). It is valid only during the factory call.
type Loader struct {
	e   *engine
	l   loader
	ctx *loadCtx
	err error // the first failure of a filter applied after GetFilter
}

// Keys returns the composite's local configuration keys in file order
// (the map a factory gets has none).
func (l *Loader) Keys() []string { return slices.Clone(l.ctx.local.keys) }

// GetApp loads the application called name (a section name, or an
// "egg:", "call:" or "config:" reference), with global as its global
// configuration (nil: none, like Python's None).
func (l *Loader) GetApp(name string, global map[string]string) (http.Handler, error) {
	return l.getApp(name, confOf(global))
}

// GetFilter loads the filter called name, like GetApp.
func (l *Loader) GetFilter(name string, global map[string]string) (func(http.Handler) http.Handler, error) {
	f, err := l.getFilter(name, confOf(global))
	if err != nil {
		return nil, err
	}
	return func(h http.Handler) http.Handler {
		out, err := f(h)
		if err != nil {
			// A filter-app factory fails only when applied: the load
			// fails with it once the composite factory returns.
			if l.err == nil {
				l.err = err
			}
			return failedHandler{}
		}
		return out
	}, nil
}

// Pipeline loads "filter1 filter2 ... app" (words separated by white
// space, the first filter outermost), as OpenStack's pipeline_factory does
// with the pipeline it picks. An empty value is an error.
func (l *Loader) Pipeline(value string, global map[string]string) (http.Handler, error) {
	words := fields(value)
	if len(words) == 0 {
		return nil, l.ctx.at.errorf(fmt.Errorf("%w: empty pipeline", ErrMissingKey))
	}
	app, err := l.GetApp(words[len(words)-1], global)
	if err != nil {
		return nil, err
	}
	filters := make([]func(http.Handler) http.Handler, len(words)-1)
	for i, w := range words[:len(words)-1] {
		if filters[i], err = l.GetFilter(w, global); err != nil {
			return nil, err
		}
	}
	for i := len(filters) - 1; i >= 0; i-- {
		app = filters[i](app)
	}
	return app, nil
}

func (l *Loader) getApp(name string, global *conf) (http.Handler, error) {
	ctx, err := l.context(objApp, name, global)
	if err != nil {
		return nil, err
	}
	h, err := l.e.createApp(ctx)
	if err != nil {
		return nil, l.wrap("app", name, err)
	}
	return h, nil
}

func (l *Loader) getFilter(name string, global *conf) (func(http.Handler) (http.Handler, error), error) {
	ctx, err := l.context(objFilter, name, global)
	if err != nil {
		return nil, err
	}
	f, err := l.e.createFilter(ctx)
	if err != nil {
		return nil, l.wrap("filter", name, err)
	}
	return func(h http.Handler) (http.Handler, error) {
		out, err := f(h)
		if err != nil {
			return nil, l.wrap("filter", name, err)
		}
		return out, nil
	}, nil
}

func (l *Loader) context(t objectType, name string, global *conf) (*loadCtx, error) {
	ctx, err := l.l.getContext(t, &name, global)
	if err != nil {
		what := "app"
		if t == objFilter {
			what = "filter"
		}
		return nil, l.wrap(what, name, err)
	}
	return ctx, nil
}

// wrap locates an error at the composite's key that names the object.
func (l *Loader) wrap(what, name string, err error) error {
	at := l.ctx.at
	for _, k := range l.ctx.local.keys {
		if slices.Contains(fields(l.ctx.local.m[k]), name) {
			at.key = k
			if at.parser != nil {
				if v, ok := at.parser.Lookup(at.section, k); ok && v.Line > 0 {
					at.line = v.Line
				}
			}
			break
		}
	}
	return &Error{File: at.file, Line: at.line, Section: at.section, Key: at.key, Item: fmt.Sprintf("%s %q", what, name), Err: err}
}

// failedHandler stands in for a filter that could not be applied; the
// load fails, so it is never served.
type failedHandler struct{}

func (f failedHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

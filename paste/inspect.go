package paste

import (
	"net/http"
)

// Node describes one factory call of a load, as Inspect records it.
type Node struct {
	// Kind is "app", "filter" or "composite": how the factory is called.
	Kind string
	// Use names the factory: "egg:DIST#ENTRY", "call:MODULE:OBJECT", or
	// "PROTOCOL:MODULE:OBJECT" for an explicit key
	// ("paste.filter_factory:oslo_middleware:RequestId.factory").
	Use string
	// Global and Local are the configuration the factory gets.
	Global map[string]string
	Local  map[string]string
	// App is the application a filter wraps.
	App *Node
	// Apps are the applications a composite is built from: for each of
	// its keys, the pipeline the value names ("f1 f2 app", the first
	// filter outermost); nil for an empty value.
	Apps map[string]*Node
}

// Inspect loads the application name from file the way LoadApp does, but
// calls no factory: every factory is a stub that records how it would be
// called. A composite's stub loads, for each of its keys, the pipeline the
// value names (which is what urlmap and OpenStack's pipeline_factory do
// with their values). It tells what an api-paste.ini means without the
// service's code, and is what goslo-conformance compares with PasteDeploy.
func Inspect(file, name string, opts ...Option) (*Node, error) {
	h, err := load(recorder{}, file, name, opts)
	if err != nil {
		return nil, err
	}
	return h.(stubApp).node, nil
}

// recorder is the source of Inspect: a stub for every name. The stubs of
// egg: and call: factories take their protocol from the section type.
type recorder struct{}

func (recorder) egg(spec, entry string, _ objectType) (*factory, string, error) {
	return &factory{name: "egg:" + spec + "#" + orMain(entry), stub: true}, "", nil
}

func (recorder) call(spec string) (*factory, error) {
	return &factory{name: "call:" + spec, stub: true}, nil
}

func (recorder) explicit(_, expr string) (*factory, error) {
	return &factory{name: expr, explicit: true, stub: true}, nil
}

// stubApp is the application a stub makes.
type stubApp struct{ node *Node }

func (s stubApp) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "paste: stub of "+s.node.Use, http.StatusNotImplemented)
}

func stubNode(kind string, ctx *loadCtx) *Node {
	use := ctx.obj.name
	if ctx.obj.explicit {
		use = ctx.protocol + ":" + use
	}
	return &Node{Kind: kind, Use: use, Global: ctx.global.toMap(), Local: ctx.local.toMap()}
}

func (e *engine) stubApp(ctx *loadCtx, composite bool) (object, error) {
	if !composite {
		return object{app: stubApp{stubNode("app", ctx)}}, nil
	}
	n := stubNode("composite", ctx)
	n.Apps = map[string]*Node{}
	key := "create\x01" + ctx.at.file + "\x01" + ctx.at.section + "\x01" + n.Use + "\x01" +
		ctx.global.fingerprint() + "\x01" + ctx.local.fingerprint()
	if err := e.enter(key, "composite ["+ctx.at.section+"]"); err != nil {
		return object{}, ctx.at.errorf(err)
	}
	defer e.leave()
	ld := &Loader{e: e, l: ctx.loader, ctx: ctx}
	// The Python stub passes the composite's own global_conf dict.
	for _, k := range ctx.local.keys {
		words := fields(ctx.local.m[k])
		if len(words) == 0 {
			n.Apps[k] = nil
			continue
		}
		app, err := ld.getApp(words[len(words)-1], ctx.global)
		if err != nil {
			return object{}, err
		}
		filters := make([]func(http.Handler) (http.Handler, error), len(words)-1)
		for i, w := range words[:len(words)-1] {
			if filters[i], err = ld.getFilter(w, ctx.global); err != nil {
				return object{}, err
			}
		}
		for i := len(filters) - 1; i >= 0; i-- {
			if app, err = filters[i](app); err != nil {
				return object{}, err
			}
		}
		n.Apps[k] = app.(stubApp).node
	}
	return object{app: stubApp{n}}, nil
}

func (e *engine) stubFilter(ctx *loadCtx) object {
	n := stubNode("filter", ctx)
	return object{filter: func(h http.Handler) (http.Handler, error) {
		c := *n
		if s, ok := h.(stubApp); ok {
			c.App = s.node
		}
		return stubApp{&c}, nil
	}}
}

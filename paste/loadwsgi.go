package paste

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/goslo/goslo/internal/ini"
)

// This file follows paste/deploy/loadwsgi.py (PasteDeploy 3.0.1) closely,
// function by function, so that what a file means is what Paste makes of
// it: which section a name finds, what global and local configuration each
// factory gets, which contexts share a global_conf dict. The names of the
// Python functions are given on their Go counterparts.

// objectType is loadwsgi's _ObjectType: APP, FILTER and the virtual types
// of pipelines, filter-apps and filter-with.
type objectType int

const (
	objApp objectType = iota + 1
	objFilter
	objPipeline
	objFilterApp
	objFilterWith
)

func (t objectType) wants() string {
	if t == objFilter {
		return "a filter"
	}
	return "an application"
}

// The protocols (Python entry point groups) of factories.
const (
	protoApp       = "paste.app_factory"
	protoComposite = "paste.composite_factory"
	protoComposit  = "paste.composit_factory"
	protoFilter    = "paste.filter_factory"
	protoFilterApp = "paste.filter_app_factory"
)

var (
	// egg_protocols: for APP three groups, for FILTER one (whose first
	// key present wins).
	appProtocols    = [][]string{{protoApp}, {protoComposite}, {protoComposit}}
	filterProtocols = [][]string{{protoFilter, protoFilterApp}}
	// config_prefixes: in a group the first prefix with a match wins.
	appPrefixes    = [][]string{{"app", "application"}, {"composite", "composit"}, {"pipeline"}, {"filter-app"}}
	filterPrefixes = [][]string{{"filter"}}
)

func protocolsOf(t objectType) [][]string {
	if t == objFilter {
		return filterProtocols
	}
	return appProtocols
}

func prefixesOf(t objectType) [][]string {
	if t == objFilter {
		return filterPrefixes
	}
	return appPrefixes
}

func protocolFor(t objectType, proto string) bool {
	for _, g := range protocolsOf(t) {
		if slices.Contains(g, proto) {
			return true
		}
	}
	return false
}

// source finds factories: a Registry, or Inspect's recorder.
type source interface {
	egg(spec, entry string, t objectType) (*factory, string, error)
	call(spec string) (*factory, error)
	explicit(protocol, expr string) (*factory, error)
}

// maxDepth bounds the nesting of sections (Python stops at its recursion
// limit, somewhat deeper).
const maxDepth = 400

// engine is the state of one load: the files read so far and the stack of
// sections being loaded (for loops).
type engine struct {
	src      source
	files    map[string]*parsedFile
	stack    []frame
	readFile func(string) ([]byte, error)
}

type parsedFile struct {
	p   *ini.ConfigParser
	err error
}

type frame struct{ key, desc string }

func newEngine(src source) *engine {
	return &engine{src: src, files: map[string]*parsedFile{}, readFile: os.ReadFile}
}

// enter pushes a frame; the same frame twice on the stack means the load
// would never end (it depends only on what the key holds).
func (e *engine) enter(key, desc string) error {
	for _, f := range e.stack {
		if f.key == key {
			return fmt.Errorf("%w: %s includes itself", ErrLoop, desc)
		}
	}
	if len(e.stack) >= maxDepth {
		return fmt.Errorf("%w: sections nested more than %d deep", ErrLoop, maxDepth)
	}
	e.stack = append(e.stack, frame{key, desc})
	return nil
}

func (e *engine) leave() { e.stack = e.stack[:len(e.stack)-1] }

// loader is loadwsgi's _Loader: ConfigLoader, EggLoader or FuncLoader.
type loader interface {
	getContext(t objectType, name *string, global *conf) (*loadCtx, error)
}

// location is where a context was written, for errors.
type location struct {
	file    string
	section string
	key     string
	line    int
	parser  *ini.ConfigParser
}

func (at location) errorf(err error) error {
	return &Error{File: at.file, Line: at.line, Section: at.section, Key: at.key, Err: err}
}

// loadCtx is loadwsgi's LoaderContext.
type loadCtx struct {
	obj        *factory
	objectType objectType
	protocol   string
	global     *conf
	local      *conf
	loader     loader

	appContext     *loadCtx   // pipeline
	filterContexts []*loadCtx // pipeline
	nextContext    *loadCtx   // filter-app, filter-with
	filterContext  *loadCtx   // filter-app, filter-with

	at location
}

// object is what creating a context gives: an application or a filter.
type object struct {
	app    http.Handler
	filter func(http.Handler) (http.Handler, error)
}

func str(s string) *string { return &s }

// loadContext is loadcontext: resolve a URI ("config:...", "egg:...",
// "call:..."), a "#name" fragment naming the object when name is nil.
func (e *engine) loadContext(t objectType, uri string, name *string, relativeTo *string, global *conf) (*loadCtx, error) {
	if u, frag, ok := strings.Cut(uri, "#"); ok {
		if name == nil {
			name = &frag
		}
		uri = u
	}
	if name == nil {
		name = str("main")
	}
	scheme, path, ok := strings.Cut(uri, ":")
	if !ok {
		return nil, fmt.Errorf("%w: URI has no scheme: %q", ErrBadURI, uri)
	}
	switch strings.ToLower(scheme) {
	case "config":
		return e.loadConfig(t, uri, path, *name, relativeTo, global)
	case "egg":
		return (&eggLoader{e: e, spec: path}).getContext(t, name, global)
	case "call":
		if !strings.Contains(path, ":") {
			return nil, fmt.Errorf("%w: %q is not in the format call:module:function", ErrBadURI, uri)
		}
		return (&funcLoader{e: e, spec: path}).getContext(t, name, global)
	}
	return nil, fmt.Errorf("%w: URI scheme not known: %q (from config, egg, call)", ErrBadURI, scheme)
}

// loadConfig is _loadconfig.
func (e *engine) loadConfig(t objectType, uri, path, name string, relativeTo *string, global *conf) (*loadCtx, error) {
	isAbs := strings.HasPrefix(path, "/")
	path = strings.ReplaceAll(path, `\`, "/")
	if !isAbs {
		if relativeTo == nil || *relativeTo == "" {
			return nil, fmt.Errorf("%w: cannot resolve relative uri %q; no relative_to", ErrBadURI, uri)
		}
		rel := strings.ReplaceAll(*relativeTo, `\`, "/")
		if strings.HasSuffix(rel, "/") {
			path = rel + path
		} else {
			path = rel + "/" + path
		}
	}
	if strings.HasPrefix(path, "///") {
		path = path[2:]
	}
	path = pyUnquote(path)
	l, err := e.newConfigLoader(path)
	if err != nil {
		return nil, err
	}
	if global.len() > 0 {
		l.updateDefaults(global)
	}
	return l.getContext(t, &name, global)
}

// configLoader is ConfigLoader: one ini file and its parser (with its own
// defaults: "here", "__file__", the file's [DEFAULT], the includer's
// global configuration).
type configLoader struct {
	e        *engine
	filename string
	parser   *ini.ConfigParser
	id       string

	// defaults() depends only on the parser's defaults, which do not
	// change once the loader is in use: computed once.
	defaultsConf *conf
	defaultsErr  error
}

func (e *engine) newConfigLoader(filename string) (*configLoader, error) {
	filename = ini.TrimSpace(filename)
	pf, ok := e.files[filename]
	if !ok {
		abs := pyAbspath(filename)
		p := ini.NewConfigParser(filename)
		p.SetDefault("here", pyDirname(abs))
		p.SetDefault("__file__", abs)
		data, err := e.readFile(filename)
		if err == nil {
			err = p.Read(data)
		}
		pf = &parsedFile{p: p, err: err}
		e.files[filename] = pf
	}
	if pf.err != nil {
		return nil, pf.err
	}
	return &configLoader{e: e, filename: filename, parser: pf.p.Clone()}, nil
}

// updateDefaults is update_defaults(..., overwrite=False).
func (l *configLoader) updateDefaults(global *conf) {
	for _, k := range global.keys {
		if !l.parser.HasDefault(k) {
			l.parser.SetDefault(k, global.m[k])
		}
	}
	l.id = ""
	l.defaultsConf, l.defaultsErr = nil, nil
}

// identity names the loader's file and defaults, for loop detection.
func (l *configLoader) identity() string {
	if l.id == "" {
		d := newConf()
		for _, k := range l.parser.DefaultKeys() {
			v, _ := l.parser.DefaultRaw(k)
			d.set(k, v.Text)
		}
		l.id = l.filename + "\x01" + d.fingerprint()
	}
	return l.id
}

// defaults is NicerConfigParser.defaults: the [DEFAULT] values
// interpolated, except that one interpolating to "" keeps its raw text.
func (l *configLoader) defaults() (*conf, error) {
	if l.defaultsConf == nil && l.defaultsErr == nil {
		l.defaultsConf, l.defaultsErr = l.interpolatedDefaults()
	}
	return l.defaultsConf, l.defaultsErr
}

func (l *configLoader) interpolatedDefaults() (*conf, error) {
	d := newConf()
	for _, k := range l.parser.DefaultKeys() {
		raw, _ := l.parser.DefaultRaw(k)
		v, err := l.parser.Get(ini.DefaultSection, k)
		if err != nil {
			return nil, &Error{File: l.filename, Line: raw.Line, Section: ini.DefaultSection, Key: k, Err: err}
		}
		if v == "" {
			v = raw.Text
		}
		d.set(k, v)
	}
	return d, nil
}

func (l *configLoader) at(section, key string) location {
	at := location{file: l.filename, section: section, key: key, parser: l.parser}
	if key != "" {
		if v, ok := l.parser.Lookup(section, key); ok && v.Line > 0 {
			at.line = v.Line
			return at
		}
	}
	if s := l.parser.Section(section); s != nil {
		at.line = s.Line
	}
	return at
}

// getContext is ConfigLoader.get_context.
func (l *configLoader) getContext(t objectType, name *string, global *conf) (*loadCtx, error) {
	if name != nil && absoluteName(*name) {
		return l.e.loadContext(t, *name, nil, str(pyDirname(l.filename)), global)
	}
	key := fmt.Sprintf("ctx\x01%s\x01%d\x01%v\x01%s", l.identity(), t, nameKey(name), global.fingerprint())
	if err := l.e.enter(key, fmt.Sprintf("%q in %s", nameKey(name), l.filename)); err != nil {
		return nil, err
	}
	defer l.e.leave()

	section, err := l.findConfigSection(t, name)
	if err != nil {
		return nil, err
	}
	where := l.at(section, "")
	fail := func(key string, err error) error { return l.at(section, key).errorf(err) }

	defaults, err := l.defaults()
	if err != nil {
		return nil, err
	}
	gc := defaults.clone()
	gc.update(global)
	local, additions, gets := newConf(), newConf(), newConf()
	getKey := map[string]string{}
	opts, err := l.parser.Options(section)
	if err != nil {
		return nil, fail("", err)
	}
	for _, opt := range opts {
		switch {
		case strings.HasPrefix(opt, "set "):
			v, err := l.parser.Get(section, opt)
			if err != nil {
				return nil, fail(opt, err)
			}
			n := ini.TrimSpace(opt[4:])
			additions.set(n, v)
			gc.set(n, v)
		case strings.HasPrefix(opt, "get "):
			v, err := l.parser.Get(section, opt)
			if err != nil {
				return nil, fail(opt, err)
			}
			n := ini.TrimSpace(opt[4:])
			gets.set(n, v)
			getKey[n] = opt
		default:
			if defaults.has(opt) {
				// A key [DEFAULT] also has is a global one: Paste
				// drops it from the local configuration.
				continue
			}
			v, err := l.parser.Get(section, opt)
			if err != nil {
				return nil, fail(opt, err)
			}
			local.set(opt, v)
		}
	}
	for _, n := range gets.keys {
		g := gets.m[n]
		v, ok := gc.get(g)
		if !ok {
			return nil, fail(getKey[n], fmt.Errorf("%w: no global setting %q to get", ErrMissingKey, g))
		}
		local.set(n, v)
	}
	var filterWith *string
	if (t == objApp || t == objFilter) && local.has("filter-with") {
		filterWith = str(local.pop("filter-with"))
	}
	// require = DIST ...: Python checks the distributions are installed;
	// a Go binary has its factories registered instead.
	local.del("require")

	var ctx *loadCtx
	switch {
	case strings.HasPrefix(section, "filter-app:"):
		ctx, err = l.filterAppContext(section, gc, local, additions)
	case strings.HasPrefix(section, "pipeline:"):
		ctx, err = l.pipelineContext(section, gc, local)
	case local.has("use"):
		ctx, err = l.contextFromUse(t, local, gc, additions, section)
	default:
		ctx, err = l.contextFromExplicit(t, local, gc, section)
	}
	if err != nil {
		return nil, err
	}
	if filterWith != nil {
		fw := &loadCtx{objectType: objFilterWith, global: gc, local: local, loader: l, at: where}
		fw.filterContext, err = l.getContext(objFilter, filterWith, gc)
		if err != nil {
			e := fail("filter-with", err).(*Error)
			e.Item = fmt.Sprintf("filter %q", *filterWith)
			return nil, e
		}
		fw.nextContext = ctx
		return fw, nil
	}
	return ctx, nil
}

func nameKey(name *string) string {
	if name == nil {
		return "None"
	}
	return *name
}

// contextFromUse is _context_from_use: the section's keys override those
// of the section (or factory) it uses.
func (l *configLoader) contextFromUse(t objectType, local, gc, additions *conf, section string) (*loadCtx, error) {
	use := local.pop("use")
	ctx, err := l.getContext(t, &use, gc)
	if err != nil {
		return nil, l.at(section, "use").errorf(err)
	}
	ctx.global.update(additions)
	ctx.local.update(local)
	if f, ok := gc.get("__file__"); ok {
		// use sections shouldn't overwrite the original __file__
		ctx.global.set("__file__", f)
	}
	ctx.loader = l
	if ctx.protocol == "" {
		// Determine the protocol from the section type.
		switch prefix, _, _ := strings.Cut(section, ":"); prefix {
		case "application", "app":
			ctx.protocol = protoApp
		case "composit", "composite":
			ctx.protocol = protoComposit
		default:
			ctx.protocol = "paste." + prefix + "_factory"
		}
	}
	if ctx.at.section == "" {
		ctx.at = l.at(section, "use")
	}
	return ctx, nil
}

// contextFromExplicit is _context_from_explicit: a paste.*_factory key.
func (l *configLoader) contextFromExplicit(t objectType, local, gc *conf, section string) (*loadCtx, error) {
	var found []string
	for _, group := range protocolsOf(t) {
		for _, p := range group {
			if local.has(p) {
				found = append(found, p)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, l.at(section, "").errorf(fmt.Errorf("%w: the section has neither \"use\" nor a %s key",
			ErrNoLoader, strings.Join(slices.Concat(protocolsOf(t)...), " or ")))
	case 1:
	default:
		return nil, l.at(section, found[1]).errorf(fmt.Errorf("%w: %s", ErrMultipleProtocols, strings.Join(found, ", ")))
	}
	proto := found[0]
	expr := local.pop(proto)
	at := l.at(section, proto)
	obj, err := l.e.src.explicit(proto, expr)
	if err != nil {
		return nil, at.errorf(err)
	}
	return &loadCtx{obj: obj, objectType: t, protocol: proto, global: gc, local: local, loader: l, at: at}, nil
}

// filterAppContext is _filter_app_context.
func (l *configLoader) filterAppContext(section string, gc, local, additions *conf) (*loadCtx, error) {
	if !local.has("next") {
		return nil, l.at(section, "").errorf(fmt.Errorf("%w: a filter-app section needs \"next\"", ErrMissingKey))
	}
	next := local.pop("next")
	ctx := &loadCtx{objectType: objFilterApp, global: gc, local: local, loader: l, at: l.at(section, "")}
	var err error
	ctx.nextContext, err = l.getContext(objApp, &next, gc)
	if err != nil {
		e := l.at(section, "next").errorf(err).(*Error)
		e.Item = fmt.Sprintf("app %q", next)
		return nil, e
	}
	if local.has("use") {
		ctx.filterContext, err = l.contextFromUse(objFilter, local, gc, additions, section)
	} else {
		ctx.filterContext, err = l.contextFromExplicit(objFilter, local, gc, section)
	}
	if err != nil {
		return nil, err
	}
	return ctx, nil
}

// pipelineContext is _pipeline_app_context: "pipeline = f1 f2 app".
func (l *configLoader) pipelineContext(section string, gc, local *conf) (*loadCtx, error) {
	if !local.has("pipeline") {
		return nil, l.at(section, "").errorf(fmt.Errorf("%w: a pipeline section needs \"pipeline\"", ErrMissingKey))
	}
	words := fields(local.pop("pipeline"))
	if local.len() > 0 {
		return nil, l.at(section, local.keys[0]).errorf(fmt.Errorf("%w: %s (a pipeline section has only \"pipeline\")",
			ErrExtraSettings, strings.Join(local.keys, ", ")))
	}
	if len(words) == 0 {
		return nil, l.at(section, "pipeline").errorf(fmt.Errorf("%w: the pipeline is empty", ErrMissingKey))
	}
	ctx := &loadCtx{objectType: objPipeline, global: gc, local: local, loader: l, at: l.at(section, "pipeline")}
	last := words[len(words)-1]
	var err error
	ctx.appContext, err = l.getContext(objApp, &last, gc)
	if err != nil {
		e := l.at(section, "pipeline").errorf(err).(*Error)
		e.Item = fmt.Sprintf("app %q", last)
		return nil, e
	}
	for _, w := range words[:len(words)-1] {
		fc, err := l.getContext(objFilter, &w, gc)
		if err != nil {
			e := l.at(section, "pipeline").errorf(err).(*Error)
			e.Item = fmt.Sprintf("filter %q", w)
			return nil, e
		}
		ctx.filterContexts = append(ctx.filterContexts, fc)
	}
	return ctx, nil
}

// findConfigSection is find_config_section: exactly one section of a type
// the object type allows must have the name (for a nil name: "main", or a
// section named just by its type).
func (l *configLoader) findConfigSection(t objectType, name *string) (string, error) {
	var possible []string
	sections := l.parser.Sections()
	for _, group := range prefixesOf(t) {
		for _, prefix := range group {
			if found := findSections(sections, prefix, name); len(found) > 0 {
				possible = append(possible, found...)
				break
			}
		}
	}
	var prefixes []string
	for _, g := range prefixesOf(t) {
		prefixes = append(prefixes, g...)
	}
	switch len(possible) {
	case 0:
		return "", fmt.Errorf("%w named %q (prefixed by %s) in %s", ErrNoSection, nameKey(name), strings.Join(prefixes, " or "), l.filename)
	case 1:
		return possible[0], nil
	}
	return "", fmt.Errorf("%w: %q (sections %s) in %s", ErrAmbiguous, nameKey(name), strings.Join(possible, ", "), l.filename)
}

func findSections(sections []string, prefix string, name *string) []string {
	var found []string
	n := "main"
	if name == nil {
		if slices.Contains(sections, prefix) {
			found = append(found, prefix)
		}
	} else {
		n = *name
	}
	for _, s := range sections {
		if rest, ok := strings.CutPrefix(s, prefix+":"); ok && ini.TrimSpace(rest) == n {
			found = append(found, s)
		}
	}
	return found
}

// eggLoader is EggLoader: use = egg:DIST#ENTRY.
type eggLoader struct {
	e    *engine
	spec string
}

func (l *eggLoader) getContext(t objectType, name *string, global *conf) (*loadCtx, error) {
	if name != nil && absoluteName(*name) {
		return l.e.loadContext(t, *name, nil, nil, global)
	}
	obj, proto, err := l.e.src.egg(l.spec, nameKeyOr(name, ""), t)
	if err != nil {
		return nil, err
	}
	if global.len() == 0 {
		global = newConf()
	}
	return &loadCtx{obj: obj, objectType: t, protocol: proto, global: global, local: newConf(), loader: l}, nil
}

func nameKeyOr(name *string, none string) string {
	if name == nil {
		return none
	}
	return *name
}

// funcLoader is FuncLoader: use = call:MODULE:OBJECT. The protocol comes
// from the section type.
type funcLoader struct {
	e    *engine
	spec string
}

func (l *funcLoader) getContext(t objectType, _ *string, global *conf) (*loadCtx, error) {
	obj, err := l.e.src.call(l.spec)
	if err != nil {
		return nil, err
	}
	if global.len() == 0 {
		global = newConf()
	}
	return &loadCtx{obj: obj, objectType: t, global: global, local: newConf(), loader: l}, nil
}

// create is LoaderContext.create: run the factories.
func (e *engine) create(ctx *loadCtx) (object, error) {
	switch ctx.objectType {
	case objApp:
		return e.invokeApp(ctx)
	case objFilter:
		return e.invokeFilter(ctx)
	case objPipeline:
		app, err := e.createApp(ctx.appContext)
		if err != nil {
			return object{}, err
		}
		filters := make([]func(http.Handler) (http.Handler, error), len(ctx.filterContexts))
		for i, fc := range ctx.filterContexts {
			if filters[i], err = e.createFilter(fc); err != nil {
				return object{}, err
			}
		}
		for i := len(filters) - 1; i >= 0; i-- {
			if app, err = filters[i](app); err != nil {
				return object{}, err
			}
		}
		return object{app: app}, nil
	case objFilterApp:
		next, err := e.createApp(ctx.nextContext)
		if err != nil {
			return object{}, err
		}
		f, err := e.createFilter(ctx.filterContext)
		if err != nil {
			return object{}, err
		}
		app, err := f(next)
		return object{app: app}, err
	case objFilterWith:
		f, err := e.createFilter(ctx.filterContext)
		if err != nil {
			return object{}, err
		}
		filtered, err := e.create(ctx.nextContext)
		if err != nil {
			return object{}, err
		}
		if ctx.nextContext.objectType == objApp {
			if filtered.app == nil {
				return object{}, ctx.nextContext.at.errorf(fmt.Errorf("%w: a filter, not an application", ErrWrongKind))
			}
			app, err := f(filtered.app)
			return object{app: app}, err
		}
		// Filtering a filter (or what Paste takes for one): the result
		// is a filter.
		at := ctx.nextContext.at
		return object{filter: func(h http.Handler) (http.Handler, error) {
			if filtered.filter == nil {
				return nil, at.errorf(fmt.Errorf("%w: an application, not a filter", ErrWrongKind))
			}
			inner, err := filtered.filter(h)
			if err != nil {
				return nil, err
			}
			return f(inner)
		}}, nil
	}
	return object{}, fmt.Errorf("paste: internal error: object type %d", ctx.objectType)
}

func (e *engine) createApp(ctx *loadCtx) (http.Handler, error) {
	obj, err := e.create(ctx)
	if err != nil {
		return nil, err
	}
	if obj.app == nil {
		return nil, ctx.at.errorf(fmt.Errorf("%w: a filter, not an application", ErrWrongKind))
	}
	return obj.app, nil
}

func (e *engine) createFilter(ctx *loadCtx) (func(http.Handler) (http.Handler, error), error) {
	obj, err := e.create(ctx)
	if err != nil {
		return nil, err
	}
	if obj.filter == nil {
		return nil, ctx.at.errorf(fmt.Errorf("%w: an application, not a filter", ErrWrongKind))
	}
	return obj.filter, nil
}

// invokeApp is _App.invoke: the protocol says how the factory is called.
func (e *engine) invokeApp(ctx *loadCtx) (object, error) {
	f := ctx.obj
	var composite bool
	switch ctx.protocol {
	case protoComposite, protoComposit:
		composite = true
	case protoApp:
	case "":
		// get_app("call:...") from a composite: Paste itself has no
		// protocol then (and fails); the registration decides.
		composite = f.app == nil && f.composite != nil
	default:
		return object{}, ctx.at.errorf(fmt.Errorf("%w: protocol %q unknown for an application", ErrWrongKind, ctx.protocol))
	}
	if f.stub {
		return e.stubApp(ctx, composite)
	}
	fail := func(err error) (object, error) {
		return object{}, ctx.at.errorf(fmt.Errorf("factory %q: %w", f.name, err))
	}
	var (
		h   http.Handler
		err error
	)
	switch {
	case composite && f.composite != nil:
		key := fmt.Sprintf("create\x01%s\x01%s\x01%s\x01%s\x01%s", ctx.at.file, ctx.at.section, f.name,
			ctx.global.fingerprint(), ctx.local.fingerprint())
		if err := e.enter(key, fmt.Sprintf("composite [%s]", ctx.at.section)); err != nil {
			return object{}, ctx.at.errorf(err)
		}
		ld := &Loader{e: e, l: ctx.loader, ctx: ctx}
		h, err = f.composite(ld, ctx.global.toMap(), ctx.local.toMap())
		e.leave()
		if err == nil && ld.err != nil {
			// A filter-app factory failed when the composite applied it.
			return object{}, ld.err
		}
		if err != nil {
			var le *Error
			if errors.As(err, &le) {
				return object{}, err // located by the Loader already
			}
		}
	case !composite && f.app != nil:
		h, err = f.app(ctx.global.toMap(), ctx.local.toMap())
	default:
		need := "an app factory"
		if composite {
			need = "a composite factory"
		}
		return fail(fmt.Errorf("%w: it is %s, [%s] needs %s", ErrWrongKind, f.kinds(), ctx.at.section, need))
	}
	if err != nil {
		return fail(err)
	}
	if h == nil {
		return fail(errors.New("the factory returned no handler"))
	}
	return object{app: h}, nil
}

// invokeFilter is _Filter.invoke: a filter factory, or a filter-app
// factory applied later. A name registered as both is called as the
// protocol says.
func (e *engine) invokeFilter(ctx *loadCtx) (object, error) {
	f := ctx.obj
	if f.stub {
		return e.stubFilter(ctx), nil
	}
	fail := func(err error) error {
		return ctx.at.errorf(fmt.Errorf("factory %q: %w", f.name, err))
	}
	useFilterApp := f.filterApp != nil && (f.filter == nil || ctx.protocol == protoFilterApp)
	switch {
	case useFilterApp:
		g, l := ctx.global.toMap(), ctx.local.toMap()
		return object{filter: func(h http.Handler) (http.Handler, error) {
			app, err := f.filterApp(h, g, l)
			if err == nil && app == nil {
				err = errors.New("the factory returned no handler")
			}
			if err != nil {
				return nil, fail(err)
			}
			return app, nil
		}}, nil
	case f.filter != nil:
		mw, err := f.filter(ctx.global.toMap(), ctx.local.toMap())
		if err != nil {
			return object{}, fail(err)
		}
		if mw == nil {
			return object{}, fail(errors.New("the factory returned no filter"))
		}
		return object{filter: func(h http.Handler) (http.Handler, error) { return mw(h), nil }}, nil
	}
	return object{}, fail(fmt.Errorf("%w: it is %s, [%s] needs a filter factory", ErrWrongKind, f.kinds(), ctx.at.section))
}

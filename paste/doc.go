// Package paste builds a service's HTTP application from its api-paste.ini,
// as PasteDeploy does for OpenStack's Python services: the same files, the
// same meaning, net/http handlers instead of WSGI applications.
//
// A file describes applications and filters (middleware) by name:
// [app:NAME], [filter:NAME], [pipeline:NAME] (filters then the application,
// the first filter outermost), [composite:NAME] (an application made of
// other named applications, such as the urlmap or OpenStack's
// pipeline_factory), [filter-app:NAME] with next = ..., and filter-with on
// an app or filter. A section names its factory with use = egg:DIST#ENTRY,
// use = call:MODULE:OBJECT, use = config:OTHER.ini#NAME, use = OTHER-SECTION,
// or an explicit paste.app_factory / paste.filter_factory /
// paste.composite_factory / paste.filter_app_factory = MODULE:OBJECT key.
// [DEFAULT] is the global configuration every factory gets; "set NAME =
// VALUE" overrides a global for one section and "get LOCAL = GLOBAL" copies
// one into the local configuration; %(here)s and %(__file__)s (and any
// [DEFAULT] key) are interpolated.
//
// Go has no entry points, so the factories are registered in a Registry
// under the names the files use:
//
//	reg := paste.NewRegistry()
//	reg.App("nova.api.openstack.compute:APIRouterV21.factory", compute.Router)
//	reg.Filter("oslo_middleware:RequestId.factory", middleware.RequestIDFilter)
//	reg.Composite("call:nova.api.auth:pipeline_factory_v21", paste.PipelineFactory(authStrategy))
//	app, err := reg.LoadApp("/etc/nova/api-paste.ini", "osapi_compute")
//
// An app factory gets the global and local configuration like a Python
// paste.app_factory and returns an http.Handler; a filter factory returns a
// func(http.Handler) http.Handler; a composite factory also gets a Loader to
// load the applications it is made of. Paste's urlmap is built in
// (URLMapFactory); it strips the matched prefix from r.URL.Path and records
// it in the request context, where ScriptName finds it (WSGI's SCRIPT_NAME).
//
// Inspect loads a file without calling any factory and returns the tree of
// factory calls (what each gets, what it wraps): a file can be checked
// without the service's code, and it is what goslo-conformance compares
// with the real PasteDeploy.
//
// # Compatibility
//
// The loader follows paste/deploy/loadwsgi.py of PasteDeploy 3.0.1 function
// by function, and the files are read as its NicerConfigParser reads them
// (Python's configparser: strict, case-kept keys, %(name)s interpolation;
// see internal/ini). Which section a name finds, which keys a factory gets
// (a key [DEFAULT] also has is dropped from the local configuration, as
// Paste drops it), what config: includes see, all match PasteDeploy; the
// differential tests compare Inspect with PasteDeploy on real OpenStack files
// and on generated ones. Where Go differs:
//
//   - A name may be registered as several kinds, as an entry point name may
//     be in several groups (oslo.middleware's healthcheck is an app and a
//     filter). An egg: name brings its kind, as an entry point its
//     protocol: the one the section needs (app or composite for an
//     application, both is ambiguous; filter before filter-app for a
//     filter). A call: or explicit factory is called the way the section
//     type (or key) says and must be registered as that kind. A composite
//     value naming a call: factory directly is loaded as what it is
//     registered as (PasteDeploy fails an assertion), and a [filter-app:]
//     section may use call: (PasteDeploy fails).
//   - require = DIST is accepted and ignored: the factories are compiled in.
//   - A section that includes itself, or config files including each other,
//     is an ErrLoop error naming the place (Python exhausts its recursion
//     limit); sections nest at most 400 deep.
//   - One interpolated value may expand at most 1 MiB (ten levels of
//     values each naming the next many times grow exponentially).
//   - The urlmap splits an IPv6 Host ("[::1]:8080") at its port; Paste
//     splits at the first colon.
//
// # Why hand-written
//
// No Go library reads PasteDeploy files: their meaning is the behaviour of
// loadwsgi.py on top of Python's configparser dialect, down to which keys a
// factory sees and which dict a use = section shares, and a general INI or
// routing library reproduces neither.
package paste

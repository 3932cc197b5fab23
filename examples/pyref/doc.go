// Command pyref is ../shared/reference/pyref (pyref.py and pyref_api.py,
// the Python service goslo is measured against) written with goslo: the
// same options, the same api-paste.ini and pyref.conf, read unchanged, the
// same endpoints and JSON bodies, the same periodic task and signals. It
// is the like-for-like row of the benchmark (bench: goslo-pyrefapp), and
// a porting example: each piece of the Python service has its goslo
// counterpart here.
//
//	go run ./examples/pyref --config-file examples/pyref/etc/pyref.conf
//
// # From Python to goslo
//
//	pyref.py                                   here
//	eventlet.monkey_patch()                    nothing: goroutines are Go's green threads
//	cfg.HostAddressOpt('bind_host', ...)       BindHost: config.Opt[string]{Type: config.HostAddress{}}
//	cfg.PortOpt, IntOpt(min=1), StrOpt(choices) config.Port{}, config.Integer{Min: new(1)}, config.String{Choices: ...}
//	conf.register_opts(api_opts, group='api')  conf.Register(Greeting, ...) (Group: "api" on each Opt)
//	wsgi.register_opts(conf), logging.register_options  wsgi.RegisterOptions, log.RegisterOptions (and service's, middleware's)
//	CONF(argv, project='pyref', version=...)   conf.Load(args, config.LoadOptions{Project: "pyref", Version: Version})
//	logging.setup(CONF, 'pyref')               log.Setup(conf, "pyref"), a Hook that reopens the file on SIGHUP
//	gmr.TextGuruMeditation.setup_autorun       built in: SIGUSR2 writes goslo's report
//	LOG = logging.getLogger('pyref')           log.Get("pyref")
//	periodic_task.PeriodicTasks, @periodic_task(spacing=1, run_immediately=True)
//	                                           periodic.New("Manager", ..., periodic.Task{Name: "_tick", Spacing: time.Second, RunImmediately: true})
//	wsgi.Loader(CONF).load_app('pyref')        wsgi.NewLoader(conf), Registry: middleware.Register + the app's factory
//	paste "call:pyref_api:app_factory"         reg.App("call:pyref_api:app_factory", ...) (api.go: API)
//	oslo_service.wsgi.Server(conf, name, app, host=, port=)  wsgi.NewServer(conf, name, app, wsgi.ServerOptions{Host:, Port:})
//	service.Service subclass APIService        apiService: Start, Stop, Reset, Restart (service.Service, Resetter, Restarter)
//	self.tg.add_timer(interval, fn)            service.Group.AddTimer("periodic_tasks", interval, 0, fn)
//	service.launch(CONF, svc, workers=, restart_method=).wait()  service.LaunchWith(conf, svc, workers, restartMethod, ...).Wait()
//
//	pyref_api.py                               api.go
//	routes.Mapper + wsgi.Router + Resource     API.ServeHTTP: a switch on path and method (no match: webob's 404)
//	_json(body, status) with json.dumps        writeJSON, with Python's separators and ensure_ascii (internal/py)
//	webob.exc.HTTPBadRequest(explanation=)     middleware.HTTPError{Code: 400, Explanation: ...}, negotiated by Accept as WebOb does
//	raise RuntimeError (-> catch_errors 500)   panic: middleware.CatchErrors turns it into the same 500 page
//	req.host_url                               middleware.HostURL(r) (honours http_proxy_to_wsgi)
//	CONF.api.max_items (mutable)               MaxItems.Get(conf): read per request, so SIGHUP mutate changes it
//
// etc/pyref.conf and etc/api-paste.ini are pyref's files unchanged: goslo's
// paste registry resolves the factory names the Python file gives
// (oslo_middleware:RequestId.factory, call:paste.urlmap:urlmap_factory,
// call:pyref_api:app_factory), so nothing in them had to change. As in
// Python, relative paths in them (log_file, the healthcheck's
// disable_by_file_path) are relative to the working directory.
//
// # Where it differs from Python
//
//   - GET /v1/slow ends early when the client's connection is gone (eventlet
//     sleeps on, then writes to a closed socket). Neither ends it early on
//     SIGTERM: both let the handler finish within graceful_shutdown_timeout,
//     but eventlet has already closed the connection (pyref's BEHAVIOUR.md,
//     "In-flight requests are NOT completed"), where goslo's server drains
//     and the client gets its answer.
//   - POST /v1/items: Python's json.loads accepts NaN, Infinity and
//     -Infinity, which encoding/json refuses (a 400 here).
package main

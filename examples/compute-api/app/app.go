// Package app wires the compute API example together from goslo's
// packages: its options, logging, the database, the paste application and
// the manager. Its functions are the steps of the service's main.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/store"
	"github.com/goslo/goslo/log"
	"github.com/goslo/goslo/manager"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/service"
	"github.com/goslo/goslo/wsgi"
)

// The service's own options.
var (
	RestartMethod = &config.Opt[string]{Name: "restart_method", Default: service.RestartMutate,
		Type: config.String{Choices: config.Choices(service.RestartReload, service.RestartMutate)},
		Help: "What SIGHUP does: reload re-reads the configuration files and restarts the workers; mutate applies the changed mutable options in place."}
	StatePath = &config.Opt[string]{Name: "state_path", Default: "/var/lib/compute-api",
		Help: "Top-level directory for maintaining the service's state (its SQLite database by default)."}
	Host = &config.Opt[string]{Name: "host", Default: hostname(), SampleDefault: "<current_hostname>",
		Help: "Name of this node, as the service list shows it. Two instances on one machine need different names."}
	AuthStrategy = &config.Opt[string]{Name: "auth_strategy", Group: "api", Default: "noauth2",
		Type: config.String{Choices: config.Choices("noauth2", "keystone")},
		Help: "The strategy to use for auth: noauth2 (X-User-Id, X-Project-Id and X-Roles headers) or keystone (needs the keystone filters in api-paste.ini)."}
	AutoCreateSchema = &config.Opt[bool]{Name: "auto_create_schema", Group: "database", Default: true,
		Help: "Create the schema when the database is empty, so that a first start works without compute-manage db sync. An existing schema of another version still needs it."}
	DefaultConnection = "sqlite:///$state_path/compute.sqlite"

	// The WSGI service compute_api's options, as nova declares
	// osapi_compute_listen, osapi_compute_listen_port and
	// osapi_compute_workers. wsgi.NewService would register them itself,
	// but only after the files are loaded: declared here, they are checked
	// at start-up, listed in the sample and known to the validator.
	APIListen = &config.Opt[string]{Name: APIName + "_listen", Default: "0.0.0.0",
		Help: "IP address on which the compute API will listen."}
	APIListenPort = &config.Opt[int]{Name: APIName + "_listen_port", Default: 8774, Type: config.Port{},
		Help: "Port on which the compute API will listen."}
	APIWorkers = &config.Opt[int]{Name: APIName + "_workers", Type: config.Integer{Min: new(1)},
		Help: "Number of workers for the compute API service. The default will be the number of CPUs available."}
)

// APIName is the name of the WSGI service: its application in
// api-paste.ini and the prefix of its options.
const APIName = "compute_api"

// The service's own groups.
var (
	APIGroup     = config.Group{Name: "api", Help: "Options of the compute API."}
	ComputeGroup = config.Group{Name: "compute", Help: "Options of the compute manager."}
)

// ListOpts lists the service's own options by group (nova.conf's
// list_opts); RegisterOptions registers them, and the sample generator
// lists them under the namespace "compute-api". The libraries' options
// are listed under the libraries' namespaces (oslo.log, oslo.db, ...).
func ListOpts() []config.GroupOpts {
	return []config.GroupOpts{
		{Opts: []config.Option{Host, StatePath, RestartMethod, APIListen, APIListenPort, APIWorkers,
			wsgi.EnabledSSLAPIs, ReportInterval, ServiceDownTime, ComputeManagerOpt}},
		{Group: APIGroup, Opts: []config.Option{AuthStrategy}},
		{Group: ComputeGroup, Opts: []config.Option{BuildDelay, PurgeAge, PurgeInterval}},
		{Group: db.Group, Opts: []config.Option{AutoCreateSchema}},
	}
}

func init() {
	config.RegisterNamespace("compute-api", ListOpts)
	// The sample shows the database the service uses by default (as nova's
	// oslo.config.opts.defaults entry point sets oslo.db's defaults).
	config.RegisterNamespaceDefaults("oslo.db", func() { db.Connection.SampleDefault = DefaultConnection })
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

// RegisterOptions registers every option the service reads, so that its
// configuration file is checked whole at start-up.
func RegisterOptions(conf *config.Config) error {
	for _, reg := range []func(*config.Config) error{
		log.RegisterOptions, service.RegisterOptions, wsgi.RegisterOptions, middleware.RegisterOptions,
		db.RegisterOptions, manager.RegisterOptions,
	} {
		if err := reg(conf); err != nil {
			return err
		}
	}
	for _, g := range ListOpts() {
		if g.Group.Name != "" {
			if err := conf.RegisterGroup(g.Group); err != nil {
				return err
			}
		}
		if err := conf.Register(g.Opts...); err != nil {
			return err
		}
	}
	// The database lives under state_path unless configured otherwise.
	return conf.SetDefault("database", "connection", DefaultConnection)
}

// SetupLogging sets up oslo.log's handler and returns it as a service
// hook that reopens the log file on SIGHUP (logrotate). The file is not
// closed at stop: every record is one write, so nothing is buffered, and
// the last lines of the process still reach it.
func SetupLogging(conf *config.Config) (service.Hook, error) {
	h, err := log.Setup(conf, "compute-api")
	if err != nil {
		return service.Hook{}, err
	}
	return service.Hook{Name: "log",
		OnReset: func(context.Context) {
			if err := h.Reopen(); err != nil {
				slog.Error("reopening the log failed", "err", err)
			}
		},
	}, nil
}

// OpenStore opens the database. A new, empty database gets the schema
// when [database] auto_create_schema is true; any other schema must be the
// one this binary knows.
func OpenStore(ctx context.Context, conf *config.Config) (*store.Store, error) {
	if err := CheckStore(ctx, conf); err != nil {
		return nil, err
	}
	return store.Open(ctx, conf)
}

// CheckStore checks the database the service will use, with a connection
// of its own that it closes: a new, empty database gets the schema when
// [database] auto_create_schema is true; any other schema must be the one
// this binary knows. The service's main calls it before the launch, so a
// database that is missing, unreachable or of another version stops the
// start-up with an error at once, in the process the operator started.
func CheckStore(ctx context.Context, conf *config.Config) error {
	if AutoCreateSchema.Get(conf) {
		if err := os.MkdirAll(StatePath.Get(conf), 0o750); err != nil {
			return fmt.Errorf("state_path: %w", err)
		}
	}
	d, err := db.Open(ctx, conf)
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	if AutoCreateSchema.Get(conf) {
		current, _, err := d.SchemaVersion(ctx, store.Migrations)
		if err != nil {
			return err
		}
		if current == 0 {
			if _, err := d.Sync(ctx, store.Migrations, 0); err != nil {
				return fmt.Errorf("creating the schema: %w", err)
			}
			slog.Default().With("logger", "compute-api").Info("created the database schema")
		}
	}
	return d.CheckSchema(ctx, store.Migrations)
}

// StoreService opens the service's connection pool when the services
// start, and closes it last but one: after the API and the manager
// finished their work, so every write in flight is committed. st is the
// store the API and the manager were given, not yet open (a new
// store.Store); it is open before the next service starts.
//
// The pool is opened at start, not when the service is built, because a
// multi-worker launch builds the service in the supervising parent too
// (its main runs as every worker's does) and the parent never starts it:
// connections opened there would never serve a request, and the memory
// of SQLite's (about 130 kB a connection, which modernc's allocator keeps
// after a close) and of the code they run would stay resident in it.
func StoreService(conf *config.Config, st *store.Store) service.Hook {
	return service.Hook{Name: "database",
		OnStart: func(ctx context.Context) error {
			opened, err := store.Open(ctx, conf)
			if err != nil {
				return err
			}
			st.DB = opened.DB
			return nil
		},
		OnStop: func(ctx context.Context) error {
			if st.DB == nil {
				return nil
			}
			return st.Close(ctx)
		},
	}
}

// Registry returns the paste factories the service's api-paste.ini names:
// oslo.middleware's filters, the no-auth filter, the API and nova's
// pipeline_factory composite.
func Registry(conf *config.Config, st api.Store) (*paste.Registry, error) {
	reg := paste.NewRegistry()
	if err := middleware.Register(reg, conf); err != nil {
		return nil, err
	}
	reg.Middleware("compute.api.auth:NoAuth.factory", api.NoAuth)
	a := api.New(st, slog.Default())
	reg.App("compute.api:APIRouter.factory", func(_, _ map[string]string) (http.Handler, error) { return a, nil })
	reg.Composite("call:compute.api.auth:pipeline_factory_v21", paste.PipelineFactory(func() string { return AuthStrategy.Get(conf) }))
	return reg, nil
}

// NewWSGIService is the service named compute_api, as nova's osapi_compute:
// [DEFAULT] compute_api_listen, compute_api_listen_port and
// compute_api_workers set where it listens and how many workers run.
func NewWSGIService(conf *config.Config, st api.Store) (*wsgi.Service, error) {
	reg, err := Registry(conf, st)
	if err != nil {
		return nil, err
	}
	return wsgi.NewService(conf, APIName, nil, wsgi.ServiceOptions{Registry: reg, DefaultPort: 8774})
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/internal/py"
	"github.com/goslo/goslo/log"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/paste"
	"github.com/goslo/goslo/periodic"
	"github.com/goslo/goslo/service"
	"github.com/goslo/goslo/wsgi"
)

// Version is pyref's VERSION.
const Version = "1.0.0"

// pyref.py's default_opts.
var (
	BindHost = &config.Opt[string]{Name: "bind_host", Default: "127.0.0.1", Type: config.HostAddress{},
		Help: "IP address to listen on."}
	BindPort = &config.Opt[int]{Name: "bind_port", Default: 8780, Type: config.Port{},
		Help: "Port to listen on."}
	Workers = &config.Opt[int]{Name: "workers", Default: 1, Type: config.Integer{Min: new(1)},
		Help: "Number of API worker processes. 1 = ServiceLauncher (no fork), >1 = ProcessLauncher (parent + N forks)."}
	RestartMethod = &config.Opt[string]{Name: "restart_method", Default: service.RestartMutate,
		Type: config.String{Choices: config.Choices(service.RestartReload, service.RestartMutate)},
		Help: "What SIGHUP does (passed to service.launch)."}
)

// pyref.py's api_opts, in [api].
var (
	APIGroup = config.Group{Name: "api"}
	Greeting = &config.Opt[string]{Name: "greeting", Group: "api", Default: "hello", Mutable: true,
		Help: "Mutable string, shown by GET /v1/config."}
	Banner = &config.Opt[string]{Name: "banner", Group: "api", Default: "pyref",
		Help: "Immutable string, shown by GET /v1/config."}
	MaxItems = &config.Opt[int]{Name: "max_items", Group: "api", Default: 1000, Mutable: true, Type: config.Integer{Min: new(1)},
		Help: "Max items POST /v1/items accepts (per process)."}
	SlowMaxMS = &config.Opt[int]{Name: "slow_max_ms", Group: "api", Default: 60000, Mutable: true, Type: config.Integer{Min: new(0)},
		Help: "Upper bound for GET /v1/slow?ms=."}
	PeriodicInterval = &config.Opt[int]{Name: "periodic_interval", Group: "api", Default: 1, Type: config.Integer{Min: new(1)},
		Help: "Interval of the ThreadGroup timer that runs the periodic tasks (seconds)."}
)

// RegisterOptions is pyref.py's register_opts, with the options of the
// libraries it uses (oslo.log's, oslo.service's and oslo.middleware's,
// which Python registers as it imports or runs them).
func RegisterOptions(conf *config.Config) error {
	for _, reg := range []func(*config.Config) error{
		log.RegisterOptions, service.RegisterOptions, wsgi.RegisterOptions, middleware.RegisterOptions,
	} {
		if err := reg(conf); err != nil {
			return err
		}
	}
	if err := conf.Register(BindHost, BindPort, Workers, RestartMethod); err != nil {
		return err
	}
	if err := conf.RegisterGroup(APIGroup); err != nil {
		return err
	}
	return conf.Register(Greeting, Banner, MaxItems, SlowMaxMS, PeriodicInterval)
}

// Registry returns the factories api-paste.ini names: oslo.middleware's
// and pyref_api's app_factory (a new API, as APIRouter() is, per load).
func Registry(conf *config.Config) (*paste.Registry, error) {
	reg := paste.NewRegistry()
	if err := middleware.Register(reg, conf); err != nil {
		return nil, err
	}
	reg.App("call:pyref_api:app_factory", func(_, _ map[string]string) (http.Handler, error) { return NewAPI(conf), nil })
	return reg, nil
}

var logger = log.Get("pyref")

// Manager is pyref.py's Manager: it carries the periodic tasks.
type Manager struct {
	ticks int
	tasks *periodic.Tasks
}

// NewManager returns the manager with its one task, _tick.
func NewManager() (*Manager, error) {
	m := &Manager{}
	tasks, err := periodic.New("Manager", periodic.DefaultConfig(), log.Get("oslo_service.periodic_task"),
		periodic.Task{Name: "_tick", Spacing: time.Second, RunImmediately: true, Func: m.tick})
	m.tasks = tasks
	return m, err
}

// tick logs the line bench/drift.go reads; only the timer's goroutine
// runs it.
func (m *Manager) tick(ctx context.Context) error {
	m.ticks++
	now := float64(time.Now().UnixNano()) / 1e9
	logger.InfoContext(ctx, fmt.Sprintf("periodic tick n=%d pid=%d t=%.6f", m.ticks, os.Getpid(), now))
	return nil
}

// apiService is pyref.py's APIService: the WSGI server and the timer that
// runs the periodic tasks, one per (worker) process.
type apiService struct {
	conf    *config.Config
	name    string
	server  *wsgi.Server
	manager *Manager
	tg      *service.Group
}

// newAPIService opens the listening socket now, as oslo's wsgi.Server
// binds in its constructor: in the parent, before the workers start.
func newAPIService(conf *config.Config, name string, app http.Handler) (*apiService, error) {
	m, err := NewManager()
	if err != nil {
		return nil, err
	}
	srv, err := wsgi.NewServer(conf, name, app, wsgi.ServerOptions{Host: BindHost.Get(conf), Port: BindPort.Get(conf)})
	if err != nil {
		return nil, err
	}
	return &apiService{conf: conf, name: name, server: srv, manager: m}, nil
}

func (s *apiService) Start(ctx context.Context) error {
	logger.Info(fmt.Sprintf("Starting %s (pid %d) on %s:%d", s.name, os.Getpid(), s.server.Host(), s.server.Port()))
	if err := s.server.Start(ctx); err != nil {
		return err
	}
	return s.startTimer()
}

// startTimer is ThreadGroup.add_timer: a FixedIntervalLoopingCall that
// runs the periodic tasks every [api] periodic_interval, the first time
// now.
func (s *apiService) startTimer() error {
	s.tg = service.NewGroup(logger)
	return s.tg.AddTimer("periodic_tasks", time.Duration(PeriodicInterval.Get(s.conf))*time.Second, 0,
		func(ctx context.Context) error {
			_, err := s.manager.tasks.RunPeriodicTasks(ctx, false)
			return err
		})
}

// Restart is SIGHUP with restart_method reload in one process, after the
// files were read again: oslo stops the service, resets it and starts it
// (the timer then takes the new periodic_interval); here the server
// starts its new generation before the old one drains, so no request is
// refused meanwhile.
func (s *apiService) Restart(ctx context.Context) error {
	logger.Info(fmt.Sprintf("Restarting %s (pid %d)", s.name, os.Getpid()))
	if err := s.tg.Stop(ctx); err != nil {
		return err
	}
	if err := s.server.Restart(ctx); err != nil {
		return err
	}
	return s.startTimer()
}

func (s *apiService) Stop(ctx context.Context) error {
	logger.Info(fmt.Sprintf("Stopping %s (pid %d)", s.name, os.Getpid()))
	return errors.Join(s.server.Stop(ctx), s.tg.Stop(ctx))
}

// Reset runs on SIGHUP, after the configuration was mutated or reloaded.
func (s *apiService) Reset(context.Context) {
	logger.Info(fmt.Sprintf("Resetting %s (pid %d): greeting=%s banner=%s debug=%s", s.name, os.Getpid(),
		Greeting.Get(s.conf), Banner.Get(s.conf), py.AppendStr(nil, py.Bool(log.IsDebugEnabled(s.conf)))))
}

// Failed and Err tell the launcher when the server's listener broke.
func (s *apiService) Failed() <-chan struct{} { return s.server.Failed() }
func (s *apiService) Err() error              { return s.server.Err() }

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, config.ErrHelp) || errors.Is(err, config.ErrVersion) {
			return
		}
		fmt.Fprintln(os.Stderr, "pyref:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		return err
	}
	if err := conf.Load(args, config.LoadOptions{Project: "pyref", Version: Version}); err != nil {
		return err
	}
	h, err := log.Setup(conf, "pyref")
	if err != nil {
		return err
	}
	logs := service.Hook{Name: "log", OnReset: func(context.Context) {
		if err := h.Reopen(); err != nil {
			slog.Error("reopening the log failed", "err", err)
		}
	}}
	workers, restart := Workers.Get(conf), RestartMethod.Get(conf)
	logger.Info(fmt.Sprintf("pyref %s starting: pid=%d workers=%d restart_method=%s", Version, os.Getpid(), workers, restart))
	reg, err := Registry(conf)
	if err != nil {
		return err
	}
	loader, err := wsgi.NewLoader(conf)
	if err != nil {
		return err
	}
	loader.Registry = reg
	app, err := loader.LoadApp("pyref")
	if err != nil {
		return err
	}
	svc, err := newAPIService(conf, "pyref", app)
	if err != nil {
		return err
	}
	launcher, err := service.LaunchWith(conf, service.NewServices(logs, svc), workers, restart, service.Options{Version: Version})
	if err != nil {
		return err
	}
	if err := launcher.Wait(); err != nil {
		return err
	}
	logger.Info(fmt.Sprintf("pyref (pid %d) exiting", os.Getpid()))
	return nil
}

package wsgi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/paste"
)

// EnabledSSLAPIs is nova's [DEFAULT] enabled_ssl_apis: the names of the
// API services that serve TLS.
var EnabledSSLAPIs = &config.Opt[[]string]{Name: "enabled_ssl_apis", Default: []string{},
	Help: "List of APIs with enabled SSL. Nova provides SSL support for the API servers. " +
		"enabled_ssl_apis option allows configuring the SSL support."}

// AppLoader gives the application a service serves by its name: a
// *Loader (from api-paste.ini), or Handler(h).
type AppLoader interface {
	LoadApp(name string) (http.Handler, error)
}

// Handler is an AppLoader that always gives h.
func Handler(h http.Handler) AppLoader { return handlerApp{h} }

type handlerApp struct{ h http.Handler }

func (a handlerApp) LoadApp(string) (http.Handler, error) { return a.h, nil }

// ServiceOptions tune NewService.
type ServiceOptions struct {
	// UseSSL forces TLS on or off; nil means: on when the service's name
	// is in enabled_ssl_apis (as nova's API command decides).
	UseSSL *bool
	// DefaultPort is the default of NAME_listen_port (nova: 8774 for
	// osapi_compute, 8775 for metadata); 0 picks a free port.
	DefaultPort int
	// Registry has the paste factories, for the Loader NewService makes
	// when it is given none; nil means paste.DefaultRegistry.
	Registry *paste.Registry
	// MaxURLLen, Log and DrainIdle are passed to the Server.
	MaxURLLen int
	Log       *slog.Logger
	DrainIdle time.Duration
}

// Service is a WSGI service made from a name, as nova's WSGIService: the
// application NAME from the loader, served on [DEFAULT] NAME_listen and
// NAME_listen_port by NAME_workers processes. It is its Server (a
// service.Service); give Workers to service.Launch.
type Service struct {
	*Server
	app     http.Handler
	workers int
	useSSL  bool
}

// NewService builds the WSGI service called name. It registers, unless
// the program already did, [DEFAULT] NAME_listen (default 0.0.0.0),
// NAME_listen_port, NAME_workers (at least 1; unset means the number of
// CPUs, as nova's processutils.get_worker_count) and enabled_ssl_apis,
// loads the application (loader nil: NewLoader(conf), i.e. api-paste.ini)
// and opens the socket.
func NewService(conf *config.Config, name string, loader AppLoader, o ServiceOptions) (*Service, error) {
	if name == "" {
		return nil, errors.New("wsgi: service without a name")
	}
	listen, err := optByName(conf, &config.Opt[string]{Name: name + "_listen", Default: "0.0.0.0",
		Help: fmt.Sprintf("IP address on which the %s API will listen.", name)})
	if err != nil {
		return nil, err
	}
	port, err := optByName(conf, &config.Opt[int]{Name: name + "_listen_port", Default: o.DefaultPort,
		Type: config.Port{}, Help: fmt.Sprintf("Port on which the %s API will listen.", name)})
	if err != nil {
		return nil, err
	}
	workers, err := optByName(conf, &config.Opt[int]{Name: name + "_workers", Type: config.Integer{Min: new(1)},
		Help: fmt.Sprintf("Number of workers for the %s API service. The default will be the number of CPUs available.", name)})
	if err != nil {
		return nil, err
	}
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	if workers < 1 {
		return nil, fmt.Errorf("wsgi: %s_workers value of %d is invalid, must be greater than 0", name, workers)
	}
	ssl := false
	if o.UseSSL != nil {
		ssl = *o.UseSSL
	} else {
		apis, err := optByName(conf, EnabledSSLAPIs)
		if err != nil {
			return nil, err
		}
		ssl = slices.Contains(apis, name)
	}
	if loader == nil {
		l, err := NewLoader(conf)
		if err != nil {
			return nil, err
		}
		if o.Log != nil {
			l.Log = o.Log
		}
		l.Registry = o.Registry
		loader = l
	}
	app, err := loader.LoadApp(name)
	if err != nil {
		return nil, err
	}
	srv, err := NewServer(conf, name, app, ServerOptions{Host: listen, Port: port, UseSSL: ssl,
		MaxURLLen: o.MaxURLLen, Log: o.Log, DrainIdle: o.DrainIdle})
	if err != nil {
		return nil, err
	}
	return &Service{Server: srv, app: app, workers: workers, useSSL: ssl}, nil
}

// optByName returns the value of [DEFAULT] opt.Name: registered with
// opt's definition unless an option of that name exists (a program that
// declares nova's own, with its defaults and help, keeps it).
func optByName[T any](conf *config.Config, opt *config.Opt[T]) (T, error) {
	var zero T
	v, err := conf.Value(config.DefaultGroup, opt.Name)
	var nso *config.NoSuchOptError
	var nsg *config.NoSuchGroupError
	switch {
	case errors.As(err, &nso) || errors.As(err, &nsg):
		if err := conf.Register(opt); err != nil {
			return zero, fmt.Errorf("wsgi: register %s: %w", opt.Name, err)
		}
		return opt.Get(conf), nil
	case err != nil:
		return zero, fmt.Errorf("wsgi: %s: %w", opt.Name, err)
	case v == nil:
		return zero, nil
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("wsgi: [DEFAULT] %s is a %T option, want %T", opt.Name, v, zero)
	}
	return t, nil
}

// Workers is the number of worker processes to launch (NAME_workers).
func (s *Service) Workers() int { return s.workers }

// UseSSL tells whether the service serves TLS.
func (s *Service) UseSSL() bool { return s.useSSL }

// App is the application the service serves.
func (s *Service) App() http.Handler { return s.app }

package wsgi

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/service"
)

// DefaultDrainIdle is how long a keep-alive connection of a draining
// server generation must have been idle before it is closed.
const DefaultDrainIdle = time.Second

// DefaultMaxURLLen is eventlet's MAX_REQUEST_LINE: a request line of this
// many bytes or more (CRLF included) gets 414.
const DefaultMaxURLLen = 8192

// maxTotalHeaderSize is eventlet's MAX_TOTAL_HEADER_SIZE.
const maxTotalHeaderSize = 65536

// maxHeaders is _MAXHEADERS of Python's http.client: the header lines it
// reads, the blank line ending them included; more get 431.
const maxHeaders = 100

// ServerOptions are the keyword arguments of oslo's wsgi.Server.
type ServerOptions struct {
	// Host and Port to listen on: "0.0.0.0" and 0 (any free port) when
	// unset, as in oslo.
	Host string
	Port int
	// SocketFile, when set, listens on a Unix socket there instead
	// (oslo's socket_family=AF_UNIX, socket_file), with SocketMode.
	SocketFile string
	SocketMode os.FileMode
	// PoolSize caps the requests served at once; 0 means
	// wsgi_default_pool_size. Requests beyond it wait for a slot.
	PoolSize int
	// UseSSL serves TLS with the [ssl] options.
	UseSSL bool
	// MaxURLLen is the longest request line accepted (oslo's
	// max_url_len); 0 means DefaultMaxURLLen.
	MaxURLLen int
	// Log receives the access log and the server's own messages, with
	// the attribute logger=goslo.wsgi; nil means slog.Default() at the
	// time each server generation starts.
	Log *slog.Logger
	// DrainIdle is how long an idle keep-alive connection is left open
	// once its generation drains (so a client that is sending its next
	// request right then is served rather than cut); 0 means
	// DefaultDrainIdle.
	DrainIdle time.Duration
}

// Server serves an http.Handler the way oslo's wsgi.Server serves a WSGI
// application, on net/http. It is a service.Service: NewServer opens the
// socket (through service.Listen, so worker processes share the parent's),
// Start serves, Stop drains and stops, Restart replaces the serving
// generation with one built from the current configuration without
// closing the socket.
type Server struct {
	conf    *config.Config
	name    string
	handler http.Handler
	o       ServerOptions

	network, address string // the key of the socket in service.Listen
	addr             net.Addr

	op    sync.Mutex // serialises Start, Stop and Restart
	mu    sync.Mutex // the fields below
	spare net.Listener
	cur   *generation
	old   map[*generation]struct{} // draining in the background
	gens  int
	bg    sync.WaitGroup

	failOnce sync.Once
	failed   chan struct{}
	failErr  error
}

var (
	_ service.Service   = (*Server)(nil)
	_ service.Restarter = (*Server)(nil)
	_ service.Failer    = (*Server)(nil)
	_ service.Named     = (*Server)(nil)
)

// NewServer registers the WSGI options, checks them (and the [ssl] files
// when o.UseSSL is set) and opens the listening socket, as oslo's
// wsgi.Server constructor does before a launcher starts workers.
func NewServer(conf *config.Config, name string, h http.Handler, o ServerOptions) (*Server, error) {
	if err := RegisterOptions(conf); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, fmt.Errorf("wsgi: %s: no handler", name)
	}
	if o.Host == "" {
		o.Host = "0.0.0.0"
	}
	s := &Server{conf: conf, name: name, handler: h, o: o, failed: make(chan struct{}),
		old: map[*generation]struct{}{}}
	if o.SocketFile != "" {
		s.network, s.address = "unix", o.SocketFile
	} else {
		s.network, s.address = "tcp", net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
	}
	if _, err := s.settings(); err != nil {
		return nil, fmt.Errorf("wsgi: %s: %w", name, err)
	}
	ln, err := service.Listen(s.network, s.address)
	if err != nil {
		s.logger().Error(fmt.Sprintf("Could not bind to %s", s.address))
		return nil, fmt.Errorf("wsgi: %s: %w", name, err)
	}
	if o.SocketFile != "" && o.SocketMode != 0 {
		if err := os.Chmod(o.SocketFile, o.SocketMode); err != nil {
			ln.Close()
			return nil, fmt.Errorf("wsgi: %s: %w", name, err)
		}
	}
	s.spare, s.addr = ln, ln.Addr()
	if o.SocketFile != "" {
		s.logger().Info(fmt.Sprintf("%s listening on %s:", name, o.SocketFile))
	} else {
		s.logger().Info(fmt.Sprintf("%s listening on %s:%d", name, o.Host, s.Port()))
	}
	return s, nil
}

// Name implements service.Named.
func (s *Server) Name() string { return s.name }

// Addr is the address the server listens on (with the port chosen when
// Port was 0).
func (s *Server) Addr() net.Addr { return s.addr }

// Host is the host the server was asked to listen on.
func (s *Server) Host() string { return s.o.Host }

// Port is the TCP port the server listens on (0 for a Unix socket).
func (s *Server) Port() int {
	if a, ok := s.addr.(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

func (s *Server) logger() *slog.Logger {
	l := s.o.Log
	if l == nil {
		l = slog.Default()
	}
	return l.With("logger", "goslo.wsgi")
}

// settings are the options a generation runs with, read when it starts.
type settings struct {
	poolSize      int
	logFormat     *logFormat
	keepIdle      time.Duration
	maxHeaderLine int
	urlLimit      int
	keepAlive     bool
	timeout       time.Duration
	debug         bool
	tls           *tls.Config
	drainIdle     time.Duration
	log           *slog.Logger
}

// settings reads and checks the options. The errors name the option.
func (s *Server) settings() (*settings, error) {
	c := s.conf
	st := &settings{
		poolSize:      s.o.PoolSize,
		keepIdle:      time.Duration(TCPKeepIdle.Get(c)) * time.Second,
		maxHeaderLine: MaxHeaderLine.Get(c),
		urlLimit:      s.o.MaxURLLen,
		keepAlive:     KeepAlive.Get(c),
		timeout:       time.Duration(ClientSocketTimeout.Get(c)) * time.Second,
		debug:         ServerDebug.Get(c),
		drainIdle:     s.o.DrainIdle,
		log:           s.logger(),
	}
	if st.poolSize == 0 {
		st.poolSize = DefaultPoolSize.Get(c)
		if st.poolSize < 1 {
			return nil, fmt.Errorf("wsgi_default_pool_size must be at least 1, not %d", st.poolSize)
		}
	} else if st.poolSize < 1 {
		return nil, fmt.Errorf("pool size must be at least 1, not %d", st.poolSize)
	}
	if st.urlLimit == 0 {
		st.urlLimit = DefaultMaxURLLen
	} else if st.urlLimit < 0 {
		return nil, fmt.Errorf("max URL length must be positive, not %d", st.urlLimit)
	}
	if n := TCPKeepIdle.Get(c); n < 1 {
		return nil, fmt.Errorf("tcp_keepidle must be at least 1 second, not %d", n)
	}
	if st.maxHeaderLine < 1 {
		return nil, fmt.Errorf("max_header_line must be at least 1, not %d", st.maxHeaderLine)
	}
	if n := ClientSocketTimeout.Get(c); n < 0 {
		return nil, fmt.Errorf("client_socket_timeout must be 0 (no timeout) or more, not %d", n)
	}
	if st.drainIdle <= 0 {
		st.drainIdle = DefaultDrainIdle
	}
	lf, err := compileLogFormat(LogFormat.Get(c), s.network == "unix")
	if err != nil {
		return nil, fmt.Errorf("wsgi_log_format %q: %w", LogFormat.Get(c), err)
	}
	st.logFormat = lf
	if s.o.UseSSL {
		if st.tls, err = tlsSettings(c, st.log); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Start starts serving: a generation on the socket NewServer opened.
func (s *Server) Start(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	running := s.cur != nil
	s.mu.Unlock()
	if running {
		return fmt.Errorf("wsgi: %s: already started", s.name)
	}
	st, err := s.settings()
	if err != nil {
		return fmt.Errorf("wsgi: %s: %w", s.name, err)
	}
	g, err := s.newGeneration(st)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cur = g
	s.mu.Unlock()
	return nil
}

// newGeneration starts a generation with st on a view of the socket (the
// spare one NewServer opened, else a new one).
func (s *Server) newGeneration(st *settings) (*generation, error) {
	s.mu.Lock()
	ln := s.spare
	s.spare = nil
	s.gens++
	id := s.gens
	s.mu.Unlock()
	if ln == nil {
		var err error
		if ln, err = service.Listen(s.network, s.address); err != nil {
			return nil, fmt.Errorf("wsgi: %s: %w", s.name, err)
		}
	}
	g := newGeneration(s, st, id, ln)
	g.start()
	scheme := "http"
	if st.tls != nil {
		scheme = "https"
	}
	st.log.Info(fmt.Sprintf("(%d) wsgi starting up on %s://%s", os.Getpid(), scheme, s.addr), "generation", id)
	return g, nil
}

// Restart replaces the serving generation: a new one, built from the
// configuration as it is now (pool size, log format, keep-alive, timeouts,
// TLS certificates), starts accepting on the same socket first; then the
// old one stops accepting and drains in the background (see Stop), within
// graceful_shutdown_timeout when the launcher's options are registered.
// Restart returns once the new generation serves. If the new settings are
// invalid, the running generation goes on and the error is returned.
func (s *Server) Restart(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	old := s.cur
	s.mu.Unlock()
	if old == nil {
		return fmt.Errorf("wsgi: %s: restart: not started", s.name)
	}
	st, err := s.settings()
	if err != nil {
		return fmt.Errorf("wsgi: %s: restart: %w (still serving with the previous settings)", s.name, err)
	}
	g, err := s.newGeneration(st)
	if err != nil {
		return err
	}
	old.beginDrain()
	bgCtx, cancel := context.WithCancel(context.Background())
	if d := s.gracefulTimeout(); d > 0 {
		bgCtx, cancel = context.WithTimeout(context.Background(), d)
	}
	old.cancelBG = cancel
	s.mu.Lock()
	s.cur = g
	s.old[old] = struct{}{}
	s.bg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.bg.Done()
		defer cancel()
		if err := old.drain(bgCtx); err != nil {
			old.st.log.Warn("Old server generation did not drain in time; its remaining connections were closed",
				"generation", old.id, "err", err)
		}
		s.mu.Lock()
		delete(s.old, old)
		s.mu.Unlock()
	}()
	return nil
}

// gracefulTimeout is [DEFAULT] graceful_shutdown_timeout when registered
// (by the launcher), else 0 (no limit).
func (s *Server) gracefulTimeout() time.Duration {
	v, err := s.conf.Value(config.DefaultGroup, "graceful_shutdown_timeout")
	if n, ok := v.(int); err == nil && ok && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

// Stop stops accepting and drains: every response from then on carries
// "Connection: close", so keep-alive clients reconnect (to the next
// generation or another worker) instead of having their connection cut;
// a connection is closed once it has been idle for DrainIdle (or right
// away when it closes itself); requests in flight run to completion. When
// ctx is done first, the remaining connections are closed and ctx.Err()
// is returned. Generations left draining by Restart are finished the
// same way.
func (s *Server) Stop(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	cur, spare := s.cur, s.spare
	s.cur, s.spare = nil, nil
	var olds []*generation
	for g := range s.old {
		olds = append(olds, g)
	}
	s.mu.Unlock()
	if spare != nil {
		spare.Close()
	}
	log := s.logger()
	log.Info("Stopping WSGI server.")
	var err error
	if cur != nil {
		err = cur.drain(ctx)
	}
	stop := context.AfterFunc(ctx, func() {
		for _, g := range olds {
			g.cancelBG()
		}
	})
	s.bg.Wait()
	stop()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		log.Warn("WSGI server stopped before every request finished; the rest were closed", "err", err)
		return err
	}
	log.Info("WSGI server has stopped.")
	return nil
}

// fail records that the server broke (its socket failed).
func (s *Server) fail(err error) {
	s.failOnce.Do(func() {
		s.mu.Lock()
		s.failErr = err
		s.mu.Unlock()
		close(s.failed)
	})
}

// Failed implements service.Failer: it is closed when serving failed for
// another reason than Stop or Restart.
func (s *Server) Failed() <-chan struct{} { return s.failed }

// Err is why Failed was closed.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failErr
}

// Command svc is the service package's integration-test program: a small
// HTTP service run by service.Launch, so the tests can send it real
// signals and real requests. It is built by the tests.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/service"
)

var (
	listen    = &config.Opt[string]{Name: "listen", Default: "127.0.0.1:0"}
	workers   = &config.Opt[int]{Name: "workers", Default: 1}
	method    = &config.Opt[string]{Name: "restart_method", Default: "reload"}
	greeting  = &config.Opt[string]{Name: "greeting", Default: "hello", Mutable: true}
	banner    = &config.Opt[string]{Name: "banner", Default: "one"}
	portFile  = &config.Opt[string]{Name: "port_file"}
	failStart = &config.Opt[bool]{Name: "fail_start", Default: false}
)

// inflight counts /slow requests being served, so that a test can wait
// until one is in flight before it sends a signal.
var inflight atomic.Int32

// server is an HTTP service on a shared socket: a new generation starts
// before the old one stops (Restart).
type server struct {
	conf     *config.Config
	mu       sync.Mutex
	srv      *http.Server
	ln       service.Listener
	done     chan error
	draining *atomic.Bool
}

func (s *server) Name() string { return "test-http" }

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pid=%d greeting=%s banner=%s\n", os.Getpid(), greeting.Get(s.conf), banner.Get(s.conf))
	})
	mux.HandleFunc("/inflight", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d\n", inflight.Load())
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		inflight.Add(1)
		defer inflight.Add(-1)
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprintf(w, "slept=%d pid=%d\n", ms, os.Getpid())
	})
	return mux
}

func (s *server) Start(ctx context.Context) error {
	if failStart.Get(s.conf) {
		return errors.New("fail_start is set")
	}
	ln, err := service.Listen("tcp", listen.Get(s.conf))
	if err != nil {
		return err
	}
	draining := new(atomic.Bool)
	h := s.handler()
	srv := &http.Server{IdleTimeout: time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.mu.Lock()
	s.srv, s.ln, s.done, s.draining = srv, ln, done, draining
	s.mu.Unlock()
	return nil
}

// shutdown drains one generation without net/http's Shutdown, which drops
// requests that arrive once it has begun: stop accepting, answer with
// Connection: close, and wait until every accepted connection is closed
// (idle ones go after IdleTimeout).
func shutdown(ctx context.Context, srv *http.Server, ln service.Listener, done chan error, draining *atomic.Bool) error {
	draining.Store(true)
	ln.Close()
	err := ln.Wait(ctx)
	srv.Close()
	<-done
	return err
}

func (s *server) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, ln, done, draining := s.srv, s.ln, s.done, s.draining
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return shutdown(ctx, srv, ln, done, draining)
}

func (s *server) Restart(ctx context.Context) error {
	s.mu.Lock()
	old, oldLn, oldDone, oldDraining := s.srv, s.ln, s.done, s.draining
	s.mu.Unlock()
	if err := s.Start(ctx); err != nil {
		return err
	}
	return shutdown(ctx, old, oldLn, oldDone, oldDraining)
}

func (s *server) Reset(ctx context.Context) {
	slog.Info("Resetting", "pid", os.Getpid(), "greeting", greeting.Get(s.conf))
}

func main() {
	conf := config.New()
	if err := conf.Register(listen, workers, method, greeting, banner, portFile, failStart); err != nil {
		panic(err)
	}
	if err := conf.Load(os.Args[1:], config.LoadOptions{Project: "svc-test"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	// Bind in the parent, as oslo's wsgi.Server does before forking, so
	// that the workers inherit the socket.
	ln, err := service.Listen("tcp", listen.Get(conf))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if pf, ok := portFile.Lookup(conf); ok && os.Getenv("GOSLO_WORKER") == "" {
		port := ln.Addr().(*net.TCPAddr).Port
		os.WriteFile(pf+".tmp", []byte(strconv.Itoa(port)), 0o644)
		os.Rename(pf+".tmp", pf)
	}
	ln.Close()
	l, err := service.LaunchWith(conf, &server{conf: conf}, workers.Get(conf), method.Get(conf), service.Options{Version: "test"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := l.Wait(); err != nil {
		slog.Info("exiting", "err", err, "pid", os.Getpid())
		os.Exit(1)
	}
	slog.Info("exiting", "pid", os.Getpid())
}

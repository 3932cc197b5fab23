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

// server is an HTTP service on a shared socket: a new generation starts
// before the old one stops (Restart).
type server struct {
	conf *config.Config
	mu   sync.Mutex
	srv  *http.Server
	done chan error
}

func (s *server) Name() string { return "test-http" }

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pid=%d greeting=%s banner=%s\n", os.Getpid(), greeting.Get(s.conf), banner.Get(s.conf))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
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
	srv := &http.Server{Handler: s.handler()}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.mu.Lock()
	s.srv, s.done = srv, done
	s.mu.Unlock()
	return nil
}

func (s *server) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	<-done
	return err
}

func (s *server) Restart(ctx context.Context) error {
	s.mu.Lock()
	old, oldDone := s.srv, s.done
	s.mu.Unlock()
	if err := s.Start(ctx); err != nil {
		return err
	}
	if err := old.Shutdown(ctx); err != nil {
		old.Close()
	}
	<-oldDone
	return nil
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

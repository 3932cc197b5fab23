// Command wsgisvc is the wsgi package's integration-test program: an API
// service made by wsgi.NewService and run by service.Launch with its
// workers, so the tests can send it real signals under real keep-alive
// traffic. It is built by the tests.
package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/service"
	"github.com/goslo/goslo/wsgi"
)

var (
	method   = &config.Opt[string]{Name: "restart_method", Default: "reload"}
	portFile = &config.Opt[string]{Name: "port_file"}
	greeting = &config.Opt[string]{Name: "greeting", Default: "hello", Mutable: true}
)

// slowBody is what /slow answers once it has slept: several writes' worth.
var slowBody = strings.Repeat("0123456789abcdef", 16<<10)

func main() {
	conf := config.New()
	if err := conf.Register(method, portFile, greeting); err != nil {
		panic(err)
	}
	if err := wsgi.RegisterOptions(conf); err != nil {
		panic(err)
	}
	if err := conf.Load(os.Args[1:], config.LoadOptions{Project: "wsgisvc-test", DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	var inflight atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pid=%d greeting=%s\n", os.Getpid(), greeting.Get(conf))
	})
	mux.HandleFunc("/inflight", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pid=%d inflight=%d\n", os.Getpid(), inflight.Load())
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		inflight.Add(1)
		defer inflight.Add(-1)
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		for i := 0; i < len(slowBody); i += 32 << 10 {
			w.Write([]byte(slowBody[i : i+32<<10]))
		}
	})
	svc, err := wsgi.NewService(conf, "api", wsgi.Handler(mux), wsgi.ServiceOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if pf, ok := portFile.Lookup(conf); ok && os.Getenv("GOSLO_WORKER") == "" {
		os.WriteFile(pf+".tmp", []byte(strconv.Itoa(svc.Port())), 0o644)
		os.Rename(pf+".tmp", pf)
	}
	l, err := service.Launch(conf, svc, svc.Workers(), method.Get(conf))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := l.Wait(); err != nil {
		slog.Warn("exiting", "err", err, "pid", os.Getpid())
		os.Exit(1)
	}
}

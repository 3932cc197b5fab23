// Command bareserver serves the compute API example's handler on a bare
// net/http server: the same API, behind the same no-auth filter (which
// says who calls, and so which project's servers a list reads), and the
// same SQLite store, without the paste pipeline, oslo.middleware's
// filters, the WSGI server or the launcher. The bench command compares
// goslo's service with it: it is the ceiling of what the handler can do
// on this machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/store"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	dbURL := flag.String("db", "", "database URL (sqlite:////path)")
	flag.Parse()
	if err := run(*listen, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}

func run(listen, dbURL string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	d, err := db.OpenURL(ctx, dbURL)
	if err != nil {
		return err
	}
	if _, err := d.Sync(ctx, store.Migrations, 0); err != nil {
		return err
	}
	st := &store.Store{DB: d}
	// The handler gets its caller from the no-auth filter, as in the
	// service's pipeline: without one, a request has no project and a
	// list reads every project's servers, a different query from the
	// service's (WHERE project_id = ?), which is not the same work.
	h := api.NoAuth(api.New(st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv := &http.Server{Addr: listen, Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		return err
	}
	return st.Close(context.Background())
}

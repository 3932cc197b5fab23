// Command compute-api is goslo's example service: a small but real
// OpenStack-style compute API (flavors and servers), started the way
// nova-api and glance-api start:
//
//  1. configuration (--config-file, --config-dir, oslo's files and rules);
//  2. logging (oslo.log's options);
//  3. the versioned objects and their database (the schema is checked);
//  4. the WSGI service: the application from api-paste.ini, and the
//     manager with its hooks and periodic tasks;
//  5. launch: one process, or compute_api_workers worker processes, with
//     oslo.service's signals (SIGTERM, SIGINT, SIGHUP reload/mutate).
//
// Run it from the repository root:
//
//	go run ./examples/compute-api --config-file examples/compute-api/etc/compute-api.conf
//
// compute-manage (in cmd/compute-manage) syncs the database schema,
// generates and validates the configuration, and lists the running
// services. The first start runs the migrations itself when the database
// is a new SQLite file, so the command above works on a fresh machine.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/examples/compute-api/app"
	"github.com/goslo/goslo/examples/compute-api/store"
	"github.com/goslo/goslo/service"
)

// Version is the service's version, shown by --version and the report.
const Version = "0.1.0"

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, config.ErrHelp) || errors.Is(err, config.ErrVersion) {
			return
		}
		fmt.Fprintln(os.Stderr, "compute-api:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	ctx := context.Background()

	// 1. Configuration.
	conf := config.New()
	if err := app.RegisterOptions(conf); err != nil {
		return err
	}
	if err := conf.Load(args, config.LoadOptions{Project: "compute-api", Version: Version}); err != nil {
		return err
	}

	// 2. Logging.
	logs, err := app.SetupLogging(conf)
	if err != nil {
		return err
	}
	log := slog.Default().With("logger", "compute-api")
	log.Info(fmt.Sprintf("compute-api %s starting", Version), "pid", os.Getpid())

	// 3. Versioned objects and their database: the schema is checked (and
	// created in a new SQLite database) now; the connection pool opens
	// when the services start, so the supervising parent of a
	// multi-worker launch, which never serves, holds none.
	if err := app.CheckStore(ctx, conf); err != nil {
		return err
	}
	st := &store.Store{}

	// 4. The WSGI service (the paste application) and the manager.
	api, err := app.NewWSGIService(conf, st)
	if err != nil {
		return err
	}
	mgr, err := app.NewManagerService(conf, st)
	if err != nil {
		return err
	}
	svc := service.NewServices(logs, app.StoreService(conf, st), mgr, api)

	// 5. Launch.
	launcher, err := service.LaunchWith(conf, svc, api.Workers(), app.RestartMethod.Get(conf),
		service.Options{Version: Version})
	if err != nil {
		return err
	}
	if err := launcher.Wait(); err != nil {
		return err
	}
	log.Info("compute-api exiting", "pid", os.Getpid())
	return nil
}

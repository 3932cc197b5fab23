// Command compute-api is goslo's example service: an OpenStack-style API
// service built on every goslo package. Its main follows the start-up flow
// of an OpenStack API service step by step; for now it runs the first
// step (configuration) and prints the effective options, secrets masked.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/goslo/goslo/config"
)

// Options of the service, declared once each.
var (
	statePath = &config.Opt[string]{Name: "state_path", Default: "/var/lib/compute-api",
		Help: "Top-level directory for maintaining the service's state."}
	listen = &config.Opt[string]{Name: "compute_api_listen", Default: "0.0.0.0",
		Type: config.HostAddress{}, Help: "The IP address on which the compute API listens."}
	listenPort = &config.Opt[int]{Name: "compute_api_listen_port", Default: 8774,
		Type: config.Port{}, Help: "The port on which the compute API listens."}
	workers = &config.Opt[int]{Name: "compute_api_workers", Type: config.Integer{Min: new(1)},
		Help: "Number of workers for the compute API service. The default is the number of CPUs."}
	connection = &config.Opt[string]{Name: "connection", Group: "database", Secret: true,
		Default: "sqlite:///$state_path/compute.sqlite",
		Help:    "The SQLAlchemy-style connection string used to connect to the database."}
)

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
	// 1. Configuration.
	conf := config.New()
	if err := conf.RegisterGroup(config.Group{Name: "database", Help: "Database options."}); err != nil {
		return err
	}
	if err := conf.Register(statePath, listen, listenPort, workers, connection); err != nil {
		return err
	}
	if err := conf.Load(args, config.LoadOptions{Project: "compute-api", Version: "0.1.0"}); err != nil {
		return err
	}
	return conf.WriteValues(os.Stdout)
}

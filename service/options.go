package service

import (
	"fmt"
	"time"

	"github.com/goslo/goslo/config"
)

// Options of oslo.service (service_opts), and of oslo.reports for the
// SIGUSR2 report.
var (
	GracefulShutdownTimeout = &config.Opt[int]{Name: "graceful_shutdown_timeout", Default: 60,
		Help: "Specify a timeout after which a gracefully shutdown server will exit. Zero value means endless wait."}
	LogOptions = &config.Opt[bool]{Name: "log_options", Default: true,
		Help: "Enables or disables logging values of all registered options when starting a service (at DEBUG level)."}
	ReportDir = &config.Opt[string]{Name: "log_dir", Group: "oslo_reports",
		Help: "Path to a log directory where to create a file for the SIGUSR2 report; unset: the report goes to stderr."}
	UpgradeTimeout = &config.Opt[int]{Name: "upgrade_ready_timeout", Default: 60, Type: config.Integer{Min: new(1)},
		Help: "Seconds a new process (a reload's new workers, or a new binary on SIGUSR1) has to become ready before it is given up and the running one kept."}
)

// RegisterOptions registers the launcher's options. Launch calls it.
func RegisterOptions(conf *config.Config) error {
	if err := conf.RegisterGroup(config.Group{Name: "oslo_reports", Help: "Options of the SIGUSR2 report."}); err != nil {
		return err
	}
	if err := conf.Register(GracefulShutdownTimeout, LogOptions, ReportDir, UpgradeTimeout); err != nil {
		return fmt.Errorf("service: register options: %w", err)
	}
	return nil
}

func gracefulTimeout(conf *config.Config) time.Duration {
	n := GracefulShutdownTimeout.Get(conf)
	if n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// The launcher's options under oslo's namespace name, so a generator
// config file written for an OpenStack service (namespace =
// oslo.service.service) works unchanged.
func init() {
	config.RegisterNamespace("oslo.service.service", func() []config.GroupOpts {
		return []config.GroupOpts{
			{Opts: []config.Option{GracefulShutdownTimeout, LogOptions, UpgradeTimeout}},
			{Group: config.Group{Name: "oslo_reports", Help: "Options of the SIGUSR2 report."}, Opts: []config.Option{ReportDir}},
		}
	})
}

package manager

import (
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/periodic"
)

// Options of nova's service that shape the periodic tasks, and
// oslo.service's run_external_periodic_tasks.
var (
	PeriodicEnable = &config.Opt[bool]{Name: "periodic_enable", Default: true,
		Help: "Enable periodic tasks.\n\nIf set to true, this option allows services to periodically run tasks on the manager."}
	PeriodicFuzzyDelay = &config.Opt[int]{Name: "periodic_fuzzy_delay", Default: 60, Type: config.Integer{Min: new(0)},
		Help: "Number of seconds to randomly delay when starting the periodic task scheduler to reduce stampeding.\n\nWhen compute workers are restarted in unison across a cluster, they all end up running the periodic tasks at the same time causing problems for the external services. To mitigate this behavior, periodic_fuzzy_delay option allows you to introduce a random initial delay when starting the periodic task scheduler."}
	PeriodicIntervalMax = &config.Opt[int]{Name: "periodic_interval_max", Default: 60, Type: config.Integer{Min: new(1)},
		Help: "Longest time in seconds the periodic task loop idles between two runs of the manager's periodic tasks."}
	RunExternalPeriodicTasks = &config.Opt[bool]{Name: "run_external_periodic_tasks", Default: true, Mutable: true,
		Help: "Some periodic tasks can be run in a separate process. Should we run them here?"}
)

// RegisterOptions registers the options; NewService calls it.
func RegisterOptions(conf *config.Config) error {
	return conf.Register(PeriodicEnable, PeriodicFuzzyDelay, PeriodicIntervalMax, RunExternalPeriodicTasks)
}

// PeriodicConfig maps the options to the periodic tasks' configuration.
func PeriodicConfig(conf *config.Config) periodic.Config {
	return periodic.Config{
		RunExternalPeriodicTasks: RunExternalPeriodicTasks.Get(conf),
		IntervalMax:              time.Duration(PeriodicIntervalMax.Get(conf)) * time.Second,
	}
}

func init() {
	config.RegisterNamespace("goslo.manager", func() []config.GroupOpts {
		return config.ByGroup(PeriodicEnable, PeriodicFuzzyDelay, PeriodicIntervalMax)
	})
	config.RegisterNamespace("oslo.service.periodic_task", func() []config.GroupOpts {
		return config.ByGroup(RunExternalPeriodicTasks)
	})
}

// Package manager is the manager of an OpenStack service, as nova's
// manager.Manager and service.Service are: the hooks that run around the
// service's start and stop (init_host, pre_start_hook, post_start_hook,
// cleanup_host, reset) and its periodic tasks, run by a loop that the
// service owns.
//
// A manager embeds Base (no-op hooks) and overrides what it needs; its
// periodic tasks are one periodic.Task each:
//
//	type ComputeManager struct {
//		manager.Base
//		tasks *periodic.Tasks
//	}
//
//	func (m *ComputeManager) InitHost(ctx context.Context) error { ... }
//	func (m *ComputeManager) PeriodicTasks() *periodic.Tasks  { return m.tasks }
//
// Managers are chosen by name from the configuration, as nova's
// compute_manager option names a class: Register a factory under a name,
// declare the option with Opt, and New builds the one the option names.
//
// NewService makes a manager a service.Service. Start runs InitHost,
// PreStartHook and PostStartHook, then, when [DEFAULT] periodic_enable is
// true, runs the periodic tasks in a loop after a random delay of up to
// periodic_fuzzy_delay seconds (so that the workers of a service do not
// all run them at once), idling no more than periodic_interval_max between
// runs. Stop stops the loop, waits for a task in progress, then runs
// CleanupHost. Reset (SIGHUP) calls the manager's Reset and applies the
// changed options to the tasks.
package manager

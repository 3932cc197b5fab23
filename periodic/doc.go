// Package periodic runs the periodic tasks of a manager: oslo.service's
// periodic_task module (oslo_service/periodic_task.py, oslo.service 3.0.0)
// in Go.
//
// In Python a decorator marks manager methods and a metaclass collects
// them:
//
//	class ComputeManager(periodic_task.PeriodicTasks):
//	    @periodic_task.periodic_task(spacing=600, run_immediately=True)
//	    def _heal_instance_info_cache(self, context): ...
//
// In Go the manager lists its tasks, one Task value each, when it builds
// its Tasks; there is no reflection and nothing is registered behind the
// scenes:
//
//	m.tasks, err = periodic.New("ComputeManager", conf, logger,
//	    periodic.Task{Name: "_heal_instance_info_cache", Spacing: 10 * time.Minute,
//	        RunImmediately: true, Func: m.healInstanceInfoCache},
//	)
//
// Its service then runs m.tasks.RunPeriodicTasks from a
// loopingcall.DynamicInterval, which sleeps the idle time it returns, as
// nova's service does with add_dynamic_timer.
//
// The rules are oslo's, checked against oslo.service itself on a fake clock
// (testdata/oracle.py): spacing 0 means DefaultInterval (60 s); a negative
// spacing or Disabled leaves the task out, with oslo's log line; a task
// runs once its spacing has passed since its last boundary, and its new
// boundary is the latest multiple of the spacing from the previous one plus
// oslo's jitter (up to 5% of the spacing, in whole seconds); tasks run in
// the order declared; a failing task is logged as "Error during
// Owner.name" and the others still run, unless raiseOnError; tasks with
// ExternalProcessOK are skipped when run_external_periodic_tasks is off.
//
// Where goslo differs, on purpose:
//   - A task's first spacing counts from the first RunPeriodicTasks (the
//     service starting its loop, after nova's periodic_fuzzy_delay), not
//     from the moment Python imported the class, so workers started at
//     different times do not all run their tasks at once.
//   - Time is read on the caller's schedule (loopingcall.TickTime), so a
//     timer tick a few microseconds "early" compared with the previous one
//     does not skip a run, as pyref's MEASURE.md §4 saw oslo do.
//   - The idle time counts from a task's boundary, not from the end of the
//     call, so a slow task does not push every later run back.
//   - A panicking task is treated like one that returned an error.
//   - Task names are unique; oslo lets a subclass's task shadow its
//     parent's bookkeeping.
//
// Options: Config carries the two options involved. The service maps
// oslo.service's [DEFAULT] run_external_periodic_tasks (bool, default
// true) and nova's [DEFAULT] periodic_interval_max (int seconds, default
// 60) onto it; nova's periodic_enable and periodic_fuzzy_delay belong to
// the service that runs the loop.
//
// The package is hand-written: no Go scheduler has oslo's notion of a due
// task, its boundary and jitter rules, or its log lines, and the whole of
// it is one small file.
package periodic

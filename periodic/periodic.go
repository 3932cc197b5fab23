package periodic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/goslo/goslo/loopingcall"
)

// DefaultInterval is the spacing of a task declared with Spacing 0, and the
// longest RunPeriodicTasks ever asks to idle (oslo's DEFAULT_INTERVAL).
const DefaultInterval = 60 * time.Second

// Task declares one periodic task: what @periodic_task(...) says of a
// method in oslo.
type Task struct {
	// Name names the task in log lines, after the owner's name
	// ("ComputeManager._heal_instance_info_cache"); oslo's name=, by
	// default the method's name. Required, unique within a Tasks.
	Name string
	// Spacing is the time between two runs (oslo's spacing=): 0 means
	// DefaultInterval, a negative spacing disables the task.
	Spacing time.Duration
	// RunImmediately runs the task at the first RunPeriodicTasks rather
	// than Spacing after it.
	RunImmediately bool
	// ExternalProcessOK says the task may run in a separate process
	// instead: it is skipped where Config.RunExternalPeriodicTasks is
	// false (oslo's external_process_ok=).
	ExternalProcessOK bool
	// Disabled leaves the task out (oslo's enabled=False).
	Disabled bool
	// Func runs the task. It gets the context RunPeriodicTasks was given
	// (oslo passes the manager's request context). An error or a panic is
	// logged ("Error during ...") and does not stop the other tasks.
	Func func(ctx context.Context) error
}

// Config holds the operator's options that shape how tasks run. The
// service maps them from its configuration.
type Config struct {
	// RunExternalPeriodicTasks is oslo.service's [DEFAULT]
	// run_external_periodic_tasks (default true): when false, tasks with
	// ExternalProcessOK are left to another process.
	RunExternalPeriodicTasks bool
	// IntervalMax caps the idle time RunPeriodicTasks returns: nova's
	// [DEFAULT] periodic_interval_max (default 60 s), which oslo applies
	// in the DynamicLoopingCall that runs the tasks. Zero means no cap
	// below DefaultInterval.
	IntervalMax time.Duration
}

// DefaultConfig returns the options' defaults.
func DefaultConfig() Config {
	return Config{RunExternalPeriodicTasks: true, IntervalMax: DefaultInterval}
}

// Validate reports an option with a value the tasks cannot run with,
// naming the option.
func (c Config) Validate() error {
	if c.IntervalMax < 0 {
		return fmt.Errorf("periodic: option periodic_interval_max: %v is negative", c.IntervalMax)
	}
	return nil
}

// Tasks is the set of periodic tasks of one manager, and their
// bookkeeping: oslo's PeriodicTasks base class. A manager builds it with
// New, one Task per task, and its service calls RunPeriodicTasks from a
// loop. Its methods may be called from several goroutines.
type Tasks struct {
	owner  string
	logger *slog.Logger
	random func() float64 // oslo: random.random, for the jitter

	mu      sync.Mutex
	conf    Config
	entries []*entry
	started bool // RunPeriodicTasks has run: tasks added now start counting at once
}

// entry is a task and its bookkeeping.
type entry struct {
	task       Task // Spacing > 0
	fullName   string
	runningMsg string
	errorMsg   string

	// pending: RunImmediately and not run yet (oslo: last_run None).
	pending bool
	// lastRun is the boundary the next run counts from; zero until the
	// first RunPeriodicTasks for a task that is not pending.
	lastRun time.Time
}

// New returns the periodic tasks of the manager named owner (oslo logs
// the class name: "Running periodic task ComputeManager.purge"), with its
// options and logger (nil means slog.Default() as oslo's logger
// oslo_service.periodic_task); see Add for the tasks.
func New(owner string, conf Config, logger *slog.Logger, tasks ...Task) (*Tasks, error) {
	if err := conf.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default().With("logger", "oslo_service.periodic_task")
	}
	t := &Tasks{owner: owner, logger: logger, random: rand.Float64, conf: conf}
	if err := t.Add(tasks...); err != nil {
		return nil, err
	}
	return t, nil
}

// Add adds tasks (oslo's add_periodic_task). A disabled task, or one with a
// negative spacing, is logged and left out, as oslo does. A task without a
// Name or Func, or with a Name already taken, is an error, and then none of
// the tasks is added.
//
// A task counts its first Spacing from the first RunPeriodicTasks (the
// service starting its loop), or from Add once that has happened.
func (t *Tasks) Add(tasks ...Task) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	seen := map[string]bool{}
	for _, e := range t.entries {
		seen[e.task.Name] = true
	}
	for i, task := range tasks {
		switch {
		case task.Name == "":
			errs = append(errs, fmt.Errorf("periodic: %stask %d: no Name", t.ownerPrefix(), i+1))
		case task.Func == nil:
			errs = append(errs, fmt.Errorf("periodic: %stask %q: no Func", t.ownerPrefix(), task.Name))
		case seen[task.Name]:
			errs = append(errs, fmt.Errorf("periodic: %stask %q: declared twice", t.ownerPrefix(), task.Name))
		}
		seen[task.Name] = true
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	now := time.Now()
	for _, task := range tasks {
		if task.Spacing < 0 {
			t.logger.Info(fmt.Sprintf("Skipping periodic task %s because its interval is negative", task.Name), "task", task.Name)
			continue
		}
		if task.Disabled {
			t.logger.Info(fmt.Sprintf("Skipping periodic task %s because it is disabled", task.Name), "task", task.Name)
			continue
		}
		if task.Spacing == 0 {
			task.Spacing = DefaultInterval
		}
		full := t.ownerPrefix() + task.Name
		e := &entry{
			task:       task,
			fullName:   full,
			runningMsg: "Running periodic task " + full,
			errorMsg:   "Error during " + full,
			pending:    task.RunImmediately,
		}
		if t.started && !e.pending {
			e.lastRun = now
		}
		t.entries = append(t.entries, e)
	}
	return nil
}

func (t *Tasks) ownerPrefix() string {
	if t.owner == "" {
		return ""
	}
	return t.owner + "."
}

// SetConfig replaces the options, for a service that reloads its
// configuration.
func (t *Tasks) SetConfig(conf Config) error {
	if err := conf.Validate(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conf = conf
	return nil
}

// Names returns the names of the tasks that run, in the order they run.
func (t *Tasks) Names() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, len(t.entries))
	for i, e := range t.entries {
		names[i] = e.task.Name
	}
	return names
}

// RunPeriodicTasks runs every task that is due, in the order they were
// added, and returns how long the caller may idle before the next one is
// due: oslo's run_periodic_tasks, meant to be the function of a
// loopingcall.DynamicInterval (its MaxInterval is periodic_interval_max).
//
// A task is due once Spacing has passed since its last boundary; after a
// run its boundary moves to the latest multiple of Spacing from the
// previous one (oslo's _nearest_boundary), plus oslo's jitter of up to 5%
// of the spacing in whole seconds (none below 20 s), so a late run does not
// shift the schedule and tasks of many services drift apart.
//
// A task that fails (an error or a panic) is logged as "Error during
// Owner.name" and the others still run; with raiseOnError the first
// failure is returned at once instead, wrapped with the task's name. When
// ctx ends, no further task starts and ctx's error is returned.
//
// Time is measured on the caller's schedule: when ctx comes from a
// loopingcall loop, "now" is loopingcall.Now(ctx) (the tick the call was
// scheduled for, plus the time spent since the loop called its function)
// and a task's first boundary is the tick. So a timer that wakes a few
// microseconds earlier relative to the previous tick than the wake before
// it cannot make a task look not yet due; oslo reads the clock and, run
// from a FixedIntervalLoopingCall whose interval equals the spacing, skips
// a tick now and then (pyref MEASURE.md §4). Called directly, it reads the
// clock as oslo does.
//
// The idle time is how long until the next task is due, measured when the
// call ends, at most the smallest spacing, DefaultInterval and
// Config.IntervalMax; 0 when a task is already due. (oslo counts a task
// that just ran as due again a full spacing after the end of the call,
// which adds the call's duration to every period.)
func (t *Tasks) RunPeriodicTasks(ctx context.Context, raiseOnError bool) (time.Duration, error) {
	tick, onSchedule := loopingcall.TickTime(ctx)
	now := func() time.Time { return loopingcall.Now(ctx) }
	if !onSchedule {
		tick = time.Now()
	}

	t.mu.Lock()
	if !t.started {
		t.started = true
		for _, e := range t.entries {
			if !e.pending && e.lastRun.IsZero() {
				e.lastRun = tick
			}
		}
	}
	entries := t.entries
	conf := t.conf
	t.mu.Unlock()

	var runErr error
	for _, e := range entries {
		if e.task.ExternalProcessOK && !conf.RunExternalPeriodicTasks {
			continue
		}
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		n := now()
		first := n // oslo: a run_immediately task's first boundary is now()
		if onSchedule {
			first = tick
		}
		if !t.claim(e, first, n) {
			continue
		}
		if t.logger.Enabled(ctx, slog.LevelDebug) {
			t.logger.LogAttrs(ctx, slog.LevelDebug, e.runningMsg, slog.String("task", e.fullName))
		}
		if err := runTask(ctx, e.task.Func); err != nil {
			if raiseOnError {
				runErr = fmt.Errorf("periodic: %s: %w", e.fullName, err)
				break
			}
			attrs := []slog.Attr{slog.String("task", e.fullName), slog.Any("error", err)}
			var p *loopingcall.PanicError
			if errors.As(err, &p) {
				attrs = append(attrs, slog.String("stack", string(p.Stack)))
			}
			t.logger.LogAttrs(ctx, slog.LevelError, e.errorMsg, attrs...)
		}
	}
	return t.idle(conf, now()), runErr
}

// claim decides whether e is due at now and, if so, moves its boundary
// before it runs (as oslo does, so a failing task is not retried at once).
// first is the boundary of a task that runs for the first time.
func (t *Tasks) claim(e *entry, first, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	spacing := e.task.Spacing
	if e.pending {
		e.pending = false
		e.lastRun = first
		return true
	}
	if e.lastRun.Add(spacing).After(now) {
		return false
	}
	// _nearest_boundary: the latest lastRun + k×spacing not after now.
	offset := now.Sub(e.lastRun) % spacing
	e.lastRun = now.Add(-offset).Add(t.jitter(spacing))
	return true
}

// jitter is oslo's int(spacing * (random.random() / 20)) seconds.
func (t *Tasks) jitter(spacing time.Duration) time.Duration {
	return time.Duration(int64(spacing.Seconds()*(t.random()/20))) * time.Second
}

// idle returns how long until the next task is due at now.
func (t *Tasks) idle(conf Config, now time.Time) time.Duration {
	idle := DefaultInterval
	if conf.IntervalMax > 0 {
		idle = min(idle, conf.IntervalMax)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.entries {
		if e.task.ExternalProcessOK && !conf.RunExternalPeriodicTasks {
			continue
		}
		idle = min(idle, e.task.Spacing)
		if e.pending {
			return 0
		}
		idle = min(idle, e.lastRun.Add(e.task.Spacing).Sub(now))
	}
	return max(idle, 0)
}

// runTask runs f, turning a panic into a *loopingcall.PanicError.
func runTask(ctx context.Context, f func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &loopingcall.PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return f(ctx)
}

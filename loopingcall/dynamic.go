package loopingcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// DynamicInterval calls Func again after the delay Func returns: oslo's
// DynamicLoopingCall, which is how a service runs its periodic tasks
// (Func = periodic.Tasks.RunPeriodicTasks, MaxInterval =
// periodic_interval_max).
//
// The delay counts from the end of the call, on the schedule's time line:
// a timer that wakes late does not push every later call back.
//
// Set the fields, then Start; do not change them while the loop runs.
type DynamicInterval struct {
	// InitialDelay is how long to wait before the first call.
	InitialDelay time.Duration
	// MaxInterval, when positive, caps the delay Func returns, and is the
	// delay when Func returns UseMaxInterval (oslo's
	// periodic_interval_max). Zero means no cap.
	MaxInterval time.Duration
	// ContinueOnError keeps the loop going when Func fails (oslo's
	// stop_on_exception=False): the error is logged and the delay Func
	// returned with it is used (oslo uses 0 here, which turns a
	// persistent failure into a busy loop; return a real delay with the
	// error). By default a failure ends the loop and Wait returns it.
	ContinueOnError bool
	// Func is called, then called again after the delay it returned. A
	// negative delay other than UseMaxInterval is an error (as in oslo).
	// Its context is cancelled by Stop and carries the tick's scheduled
	// time (TickTime). Returning Done(v) ends the loop and Wait returns v.
	Func func(ctx context.Context) (time.Duration, error)
	// Name names Func in log lines; by default its Go function name.
	Name string
	// Logger receives the loop's log lines; nil means slog.Default().
	Logger *slog.Logger

	loop
}

const dynamicKind = "Dynamic interval looping call"

// Start checks the fields and starts calling Func in a goroutine the loop
// owns; Stop or the end of ctx stops it, Wait waits for it. Start fails
// while the loop is running, and may be called again once it has ended.
func (d *DynamicInterval) Start(ctx context.Context) error {
	if err := d.check(); err != nil {
		return err
	}
	return d.start(ctx, dynamicBusy, d.run)
}

// Run is Start and Wait in one, in the calling goroutine: it runs the loop
// until it ends and returns what Wait would. Stop works as with Start. Use
// it where something else owns the goroutine (an errgroup, a
// service.Group).
func (d *DynamicInterval) Run(ctx context.Context) (any, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return d.runHere(ctx, dynamicBusy, d.run)
}

const dynamicBusy = "loopingcall: a dynamic interval looping call can only run one function at a time"

func (d *DynamicInterval) check() error {
	if d.Func == nil {
		return errors.New("loopingcall: dynamic interval looping call: no Func")
	}
	if err := checkNonNegative("dynamic interval looping call", "initial delay", d.InitialDelay); err != nil {
		return err
	}
	if err := checkNonNegative("dynamic interval looping call", "max interval", d.MaxInterval); err != nil {
		return err
	}
	return nil
}

func (d *DynamicInterval) run(ctx context.Context) (any, error) {
	log := logger(d.Logger)
	name := d.Name
	if name == "" {
		name = funcName(d.Func)
	}
	logErr := func(err error) { logFailed(log, dynamicKind, name, err) }
	var s sleeper
	defer s.stop()

	tick := time.Now().Add(d.InitialDelay)
	if !s.until(ctx, tick) {
		return stopResult(ctx)
	}
	for {
		began := time.Now()
		delay, err := call(WithTickTime(ctx, tick), d.Func)
		end := time.Now()
		if done, res, err := outcome(ctx, err, d.ContinueOnError, logErr); done {
			return res, err
		}
		delay, err = dynamicDelay(delay, d.MaxInterval)
		if err != nil {
			logErr(err)
			return nil, err
		}
		tick = nextTick(tick, end.Sub(began), delay, end)
		if !s.until(ctx, tick) {
			return stopResult(ctx)
		}
	}
}

// dynamicDelay applies oslo's DynamicLoopingCall rules to the delay the
// function suggested.
func dynamicDelay(suggested, max time.Duration) (time.Duration, error) {
	if suggested == UseMaxInterval {
		if max <= 0 {
			return 0, errors.New("loopingcall: a dynamic interval looping call should supply either an interval or periodic_interval_max")
		}
		return max, nil
	}
	if suggested < 0 {
		return 0, fmt.Errorf("loopingcall: dynamic interval looping call: delay %v is negative", suggested)
	}
	if max > 0 && suggested > max {
		return max, nil
	}
	return suggested, nil
}

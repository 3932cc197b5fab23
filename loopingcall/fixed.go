package loopingcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// FixedInterval calls Func every Interval: oslo's FixedIntervalLoopingCall
// (and, with Timeout, FixedIntervalWithTimeoutLoopingCall).
//
// Ticks are laid on a grid: the n-th call is due at
// start + InitialDelay + n×Interval, whatever the previous call took, so
// the schedule does not drift (oslo sleeps Interval minus the run time,
// rounded to 10 ms, after each run, and gains a few milliseconds every
// tick). When a call outlasts Interval, the next one starts at once and the
// grid starts again from there, as in oslo, which logs the same warning:
// "Function 'name' run outlasted interval by 0.25 sec".
//
// Set the fields, then Start; do not change them while the loop runs.
type FixedInterval struct {
	// Interval is the time from one call's start to the next; it must be
	// positive.
	Interval time.Duration
	// InitialDelay is how long to wait before the first call.
	InitialDelay time.Duration
	// ContinueOnError keeps the loop going when Func fails (oslo's
	// stop_on_exception=False): the error is logged and the next call
	// happens on schedule. By default a failure ends the loop and Wait
	// returns the error.
	ContinueOnError bool
	// Timeout, when positive, ends the loop with an error wrapping
	// ErrTimeout after the first call that ends more than Timeout after
	// Start (oslo's FixedIntervalWithTimeoutLoopingCall).
	Timeout time.Duration
	// Func is called on every tick. Its context is cancelled by Stop and
	// carries the tick's scheduled time (TickTime). Returning Done(v)
	// ends the loop and Wait returns v.
	Func func(ctx context.Context) error
	// Name names Func in log lines; by default its Go function name.
	Name string
	// Logger receives the loop's log lines; nil means slog.Default().
	Logger *slog.Logger

	loop
}

const fixedKind = "Fixed interval looping call"

// Start checks the fields and starts calling Func in a goroutine the loop
// owns; Stop or the end of ctx stops it, Wait waits for it. A loop runs one
// function at a time: Start fails while the loop is running, and may be
// called again once it has ended.
func (f *FixedInterval) Start(ctx context.Context) error {
	if err := f.check(); err != nil {
		return err
	}
	return f.start(ctx, fixedBusy, f.run)
}

// Run is Start and Wait in one, in the calling goroutine: it runs the loop
// until it ends and returns what Wait would. Stop works as with Start. Use
// it where something else owns the goroutine (an errgroup, a
// service.Group).
func (f *FixedInterval) Run(ctx context.Context) (any, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return f.runHere(ctx, fixedBusy, f.run)
}

const fixedBusy = "loopingcall: a fixed interval looping call can only run one function at a time"

func (f *FixedInterval) check() error {
	if f.Func == nil {
		return errors.New("loopingcall: fixed interval looping call: no Func")
	}
	if f.Interval <= 0 {
		return fmt.Errorf("loopingcall: fixed interval looping call: interval %v is not positive", f.Interval)
	}
	for _, c := range []struct {
		name string
		d    time.Duration
	}{{"initial delay", f.InitialDelay}, {"timeout", f.Timeout}} {
		if err := checkNonNegative("fixed interval looping call", c.name, c.d); err != nil {
			return err
		}
	}
	return nil
}

func (f *FixedInterval) run(ctx context.Context) (any, error) {
	log := logger(f.Logger)
	name := f.Name
	if name == "" {
		name = funcName(f.Func)
	}
	kind := fixedKind
	if f.Timeout > 0 {
		kind = "Fixed interval looping call with timeout checking."
	}
	var s sleeper
	defer s.stop()

	start := time.Now()
	tick := start.Add(f.InitialDelay)
	if !s.until(ctx, tick) {
		return stopResult(ctx)
	}
	for {
		err := call0(WithTickTime(ctx, tick), f.Func)
		end := time.Now()
		if done, res, err := outcome(ctx, err, f.ContinueOnError, func(err error) { logFailed(log, kind, name, err) }); done {
			return res, err
		}
		tick, _ = fixedNext(tick, f.Interval, end, func(over time.Duration) {
			log.Warn(fmt.Sprintf("Function '%s' run outlasted interval by %.2f sec", name, over.Seconds()))
		})
		if f.Timeout > 0 {
			if elapsed := end.Sub(start); elapsed > f.Timeout {
				err := timeoutError(elapsed)
				logFailed(log, kind, name, err)
				return nil, err
			}
		}
		if !s.until(ctx, tick) {
			return stopResult(ctx)
		}
	}
}

// fixedNext returns the tick after tick: tick+interval, or end when the
// call that ended at end ran past it (reported as overrun). warn is called
// when the overrun shows at oslo's precision: oslo warns when
// round(elapsed - interval, 2) > 0.
func fixedNext(tick time.Time, interval time.Duration, end time.Time, warn func(over time.Duration)) (next time.Time, overrun time.Duration) {
	next = tick.Add(interval)
	overrun = end.Sub(next)
	if overrun <= 0 {
		return next, 0
	}
	if rounded := math.Round(overrun.Seconds()*100) / 100; rounded > 0 {
		warn(time.Duration(rounded * float64(time.Second)))
	}
	return end, overrun
}

package loopingcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Done returns the error a loop's function returns to stop the loop
// normally, as oslo's LoopingCallDone does: Wait then returns value and a
// nil error. Done may be wrapped (fmt.Errorf("...: %w", Done(v))); the loop
// finds it with errors.As.
func Done(value any) error { return &DoneError{Value: value} }

// DoneError is the error Done returns: oslo's LoopingCallDone with its
// retvalue.
type DoneError struct {
	// Value is what Wait returns.
	Value any
}

// Error says that the loop was asked to stop; it is seen only when a
// DoneError escapes its loop.
func (e *DoneError) Error() string { return "loopingcall: done" }

// ErrTimeout is wrapped by the error a loop ends with when its timeout is
// exceeded (oslo's LoopingCallTimeOut): BackOff's Timeout and
// FixedInterval's Timeout. Test for it with errors.Is.
var ErrTimeout = errors.New("loopingcall: looping call timed out")

// timeoutError gives oslo's message: "Looping call timed out after %.02f
// seconds".
func timeoutError(after time.Duration) error {
	return fmt.Errorf("%w after %.2f seconds", ErrTimeout, after.Seconds())
}

// PanicError is the error a loop (or a periodic task) ends with when its
// function panics: the panic is recovered so that one bad callee does not
// take the whole service down, exactly as oslo catches every Exception.
type PanicError struct {
	// Value is what the function passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic (runtime/debug.Stack).
	Stack []byte
}

// Error gives the panic value.
func (e *PanicError) Error() string { return fmt.Sprintf("loopingcall: panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error, so errors.Is and
// errors.As see through a panic(err).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// UseMaxInterval is what a DynamicInterval function returns when it has no
// delay to suggest (oslo's callee returning None): the loop then sleeps
// MaxInterval, and fails when no MaxInterval is set.
const UseMaxInterval time.Duration = math.MinInt64

type tickKey struct{}

// tick is what WithTickTime stores: the scheduled time of a call and the
// wall-clock moment the call began.
type tick struct{ at, called time.Time }

// WithTickTime returns a copy of ctx that carries t as the time the call
// about to be made is scheduled for (its tick), and the present moment as
// the moment it is made. The loops of this package give their function
// such a context; a scheduler of one's own can do the same so that
// periodic.Tasks keeps to its schedule. A t in the future counts as now.
func WithTickTime(ctx context.Context, t time.Time) context.Context {
	now := time.Now()
	if t.After(now) {
		t = now
	}
	return context.WithValue(ctx, tickKey{}, tick{at: t, called: now})
}

// TickTime returns the time the current call of a loop's function was
// scheduled for (the tick), and false when ctx does not come from a loop.
// The tick is never later than the moment the function was called, and is
// exact where the wall clock is not: a timer wakes a little late, by a
// different amount each time, so successive time.Now() readings are
// spaced unevenly, while successive ticks of a FixedInterval are exactly
// Interval apart.
func TickTime(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(tickKey{}).(tick)
	return t.at, ok
}

// Now returns the present time on the schedule of the loop whose function
// got ctx: its tick plus the time since the function was called, so that
// the timer's lateness in waking up is left out but the time the function
// has spent is not. Without a tick in ctx it is time.Now(). periodic.Tasks
// decides with it which tasks are due.
func Now(ctx context.Context) time.Time {
	t, ok := ctx.Value(tickKey{}).(tick)
	if !ok {
		return time.Now()
	}
	return t.at.Add(time.Since(t.called))
}

var errStopped = errors.New("loopingcall: stopped")

// errNotStarted is what Wait returns before the first Start.
var errNotStarted = errors.New("loopingcall: wait: the loop was never started")

// run is one run of a loop, from Start until its goroutine returns.
type run struct {
	done   chan struct{}
	result any
	err    error
}

// loop owns the goroutine of one looping call: Start spawns it, Stop
// cancels it, Wait waits for it. It is embedded in every loop type.
type loop struct {
	mu      sync.Mutex
	cancel  context.CancelCauseFunc
	current *run
	running bool
}

// begin marks the loop as running and returns the context its body runs
// with, which Stop cancels with errStopped.
func (l *loop) begin(parent context.Context, busy string) (context.Context, *run, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		return nil, nil, errors.New(busy)
	}
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{done: make(chan struct{})}
	l.cancel, l.current, l.running = cancel, r, true
	return ctx, r, nil
}

// end records the result of the run r and wakes the waiters.
func (l *loop) end(r *run, res any, err error) {
	l.mu.Lock()
	l.cancel(nil)
	r.result, r.err = res, err
	l.running = false
	l.mu.Unlock()
	close(r.done)
}

// start runs body in a goroutine owned by l.
func (l *loop) start(parent context.Context, busy string, body func(ctx context.Context) (any, error)) error {
	ctx, r, err := l.begin(parent, busy)
	if err != nil {
		return err
	}
	go func() {
		res, err := body(ctx)
		l.end(r, res, err)
	}()
	return nil
}

// runHere runs body in the calling goroutine.
func (l *loop) runHere(parent context.Context, busy string, body func(ctx context.Context) (any, error)) (any, error) {
	ctx, r, err := l.begin(parent, busy)
	if err != nil {
		return nil, err
	}
	res, err := body(ctx)
	l.end(r, res, err)
	return res, err
}

// Stop asks the loop to stop and returns at once, as oslo's stop does. The
// function's context is cancelled, so a long call can give up early; the
// loop does not call the function again. Wait waits for the end. Stop
// before Start, or after the loop ended, does nothing.
func (l *loop) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		l.cancel(errStopped)
	}
}

// Wait waits until the loop has ended and returns its result: the value
// given to Done; nil and nil when Stop ended it; nil and the context's
// cause when the context given to Start ended it; nil and the error that
// ended it otherwise (the function's error, ErrTimeout, a *PanicError).
// Any number of goroutines may Wait.
func (l *loop) Wait() (any, error) {
	l.mu.Lock()
	r := l.current
	l.mu.Unlock()
	if r == nil {
		return nil, errNotStarted
	}
	<-r.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return r.result, r.err
}

// stopResult is what a loop ends with when its context is done.
func stopResult(ctx context.Context) (any, error) {
	cause := context.Cause(ctx)
	if errors.Is(cause, errStopped) {
		return nil, nil
	}
	return nil, cause
}

// outcome sorts out what a function returned. done reports that the loop
// ends, with res and err as its result; a false done means "keep going"
// (the error, if any, has been logged).
func outcome(ctx context.Context, err error, continueOnError bool, log func(error)) (done bool, res any, rerr error) {
	if err == nil {
		if ctx.Err() != nil {
			res, rerr = stopResult(ctx)
			return true, res, rerr
		}
		return false, nil, nil
	}
	var d *DoneError
	if errors.As(err, &d) {
		return true, d.Value, nil
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The function gave up because the loop was stopped: that is
		// the stop, not a failure.
		res, rerr = stopResult(ctx)
		return true, res, rerr
	}
	log(err)
	if !continueOnError {
		return true, nil, err
	}
	if ctx.Err() != nil {
		res, rerr = stopResult(ctx)
		return true, res, rerr
	}
	return false, nil, nil
}

// call runs f, turning a panic into a *PanicError.
func call[T any](ctx context.Context, f func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return f(ctx)
}

// call0 runs f, turning a panic into a *PanicError.
func call0(ctx context.Context, f func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return f(ctx)
}

// sleeper waits until a deadline on one reusable timer.
type sleeper struct{ t *time.Timer }

// finish is how much of a wait is left to preciseSleep. Go's timers wake
// up to about a millisecond late when the process is idle (on Linux the
// runtime waits in epoll_wait, whose timeout is in whole milliseconds), so
// the timer is set to go off this much early and the rest is slept with
// the operating system's high-resolution sleep.
const finish = 2 * time.Millisecond

// until waits until deadline or until ctx is done, and reports whether the
// loop goes on.
func (s *sleeper) until(ctx context.Context, deadline time.Time) bool {
	if d := time.Until(deadline) - finish; d > 0 {
		if !s.wait(ctx, d) {
			return false
		}
	}
	if d := time.Until(deadline); d > 0 {
		preciseSleep(d)
		// Under testing/synctest's fake clock the sleep above took no
		// fake time: wait for the rest on the timer. Otherwise nothing
		// is left.
		if d := time.Until(deadline); d > 0 {
			return s.wait(ctx, d)
		}
	}
	return ctx.Err() == nil
}

func (s *sleeper) wait(ctx context.Context, d time.Duration) bool {
	if s.t == nil {
		s.t = time.NewTimer(d)
	} else {
		s.t.Reset(d)
	}
	select {
	case <-s.t.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		s.t.Stop()
		return false
	}
}

func (s *sleeper) stop() {
	if s.t != nil {
		s.t.Stop()
	}
}

// nextTick returns when the next call is due: delay after the end of the
// call that began at tick and took ran, on the schedule's time line (so
// that a timer's lateness in waking is not carried into the next tick);
// never earlier than end, the wall-clock moment the call ended.
func nextTick(tick time.Time, ran, delay time.Duration, end time.Time) time.Time {
	next := tick.Add(ran).Add(delay)
	if next.Before(end) {
		return end
	}
	return next
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}

// funcName names f in log lines when the loop has no Name, as oslo's
// reflection.get_callable_name does.
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "<nil>"
	}
	if fn := runtime.FuncForPC(v.Pointer()); fn != nil {
		return fn.Name()
	}
	return "<unknown>"
}

// logFailed logs oslo's "%(kind)s %(func_name)r failed" line.
func logFailed(l *slog.Logger, kind, name string, err error) {
	attrs := []any{slog.Any("error", err)}
	var p *PanicError
	if errors.As(err, &p) {
		attrs = append(attrs, slog.String("stack", string(p.Stack)))
	}
	l.Error(fmt.Sprintf("%s '%s' failed", kind, name), attrs...)
}

func checkNonNegative(kind, field string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("loopingcall: %s: %s %v is negative", kind, field, d)
	}
	return nil
}

package loopingcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"
)

// BackOff calls Func until it returns Done, backing off exponentially while
// Func reports failure: oslo's BackOffLoopingCall.
//
// Func returns true for success (the interval goes back to
// StartingInterval) or false for failure (the next interval doubles). Every
// delay is multiplied by a random jitter drawn from a normal distribution
// of mean Jitter and standard deviation 0.1, so that many clients do not
// retry in step. Failure delays stay within [MinInterval, MaxInterval].
// When the time spent sleeping since the last success would pass Timeout,
// the loop ends at once with an error wrapping ErrTimeout, so the call
// never takes longer than Timeout (but may end earlier).
//
// Zero durations and a zero Jitter take oslo's defaults. An error from Func
// ends the loop, as in oslo. Set the fields, then Start; do not change them
// while the loop runs.
type BackOff struct {
	// InitialDelay is how long to wait before the first call.
	InitialDelay time.Duration
	// StartingInterval is the interval after a success, and the base the
	// back-off doubles from; zero means 1 s.
	StartingInterval time.Duration
	// Timeout bounds the time spent backing off since the last success;
	// zero means oslo's default of 300 s, and a negative value means no
	// timeout (oslo's timeout=0).
	Timeout time.Duration
	// MaxInterval caps a failure delay; zero means 300 s.
	MaxInterval time.Duration
	// MinInterval is the smallest failure delay; zero means 1 ms.
	MinInterval time.Duration
	// Jitter is the mean of the random factor applied to every delay;
	// zero means 0.75. Below 0.5 the delays can shrink after failures.
	Jitter float64
	// Func is called on every tick; see the type's description. Its
	// context is cancelled by Stop and carries the tick's scheduled time
	// (TickTime). Returning Done(v) ends the loop and Wait returns v.
	Func func(ctx context.Context) (success bool, err error)
	// Name names Func in log lines; by default its Go function name.
	Name string
	// Logger receives the loop's log lines; nil means slog.Default().
	Logger *slog.Logger

	// gauss draws from N(mean, stddev) (oslo: random.gauss); tests
	// replace it.
	gauss func(mean, stddev float64) float64

	loop
}

const backOffKind = "Dynamic backoff interval looping call"

// Start checks the fields and starts calling Func in a goroutine the loop
// owns; Stop or the end of ctx stops it, Wait waits for it. Start fails
// while the loop is running, and may be called again once it has ended,
// with its back-off state reset.
func (b *BackOff) Start(ctx context.Context) error {
	if err := b.check(); err != nil {
		return err
	}
	return b.start(ctx, backOffBusy, b.run)
}

// Run is Start and Wait in one, in the calling goroutine: it runs the loop
// until it ends and returns what Wait would. Stop works as with Start. Use
// it where something else owns the goroutine (an errgroup, a
// service.Group).
func (b *BackOff) Run(ctx context.Context) (any, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	return b.runHere(ctx, backOffBusy, b.run)
}

const backOffBusy = "loopingcall: a dynamic backoff interval looping call can only run one function at a time"

func (b *BackOff) check() error {
	if b.Func == nil {
		return errors.New("loopingcall: back-off looping call: no Func")
	}
	for _, c := range []struct {
		name string
		d    time.Duration
	}{
		{"initial delay", b.InitialDelay},
		{"starting interval", b.StartingInterval},
		{"max interval", b.MaxInterval},
		{"min interval", b.MinInterval},
	} {
		if err := checkNonNegative("back-off looping call", c.name, c.d); err != nil {
			return err
		}
	}
	if b.Jitter < 0 || math.IsNaN(b.Jitter) || math.IsInf(b.Jitter, 0) {
		return fmt.Errorf("loopingcall: back-off looping call: jitter %v is not a positive number", b.Jitter)
	}
	return nil
}

// backOffState is oslo's BackOffLoopingCall._idle_for with its state
// (_interval, _error_time).
type backOffState struct {
	starting, min, max, timeout time.Duration // timeout <= 0: none
	jitter                      float64
	interval, errorTime         time.Duration
}

func (b *BackOff) state() backOffState {
	st := backOffState{
		starting: orDefault(b.StartingInterval, time.Second),
		min:      orDefault(b.MinInterval, time.Millisecond),
		max:      orDefault(b.MaxInterval, 300*time.Second),
		timeout:  orDefault(b.Timeout, 300*time.Second),
		jitter:   b.Jitter,
	}
	if st.jitter == 0 {
		st.jitter = 0.75
	}
	st.interval = st.starting
	return st
}

// idle returns the delay after a call that reported success, given the
// random factor randomJitter (oslo: abs(gauss(jitter, 0.1))); an error
// wrapping ErrTimeout when backing off would pass the timeout.
func (st *backOffState) idle(success bool, randomJitter float64) (time.Duration, error) {
	if success {
		st.interval = st.starting
		st.errorTime = 0
		return scale(st.interval, randomJitter), nil
	}
	idle := max(scale(st.interval, 2*randomJitter), st.min)
	idle = min(idle, st.max)
	st.interval = max(scale(st.interval, 2*st.jitter), st.min)
	if st.timeout > 0 && st.errorTime+idle > st.timeout {
		return 0, timeoutError(st.errorTime + idle)
	}
	st.errorTime += idle
	return idle, nil
}

func (b *BackOff) run(ctx context.Context) (any, error) {
	log := logger(b.Logger)
	name := b.Name
	if name == "" {
		name = funcName(b.Func)
	}
	logErr := func(err error) { logFailed(log, backOffKind, name, err) }
	gauss := b.gauss
	if gauss == nil {
		gauss = func(mean, stddev float64) float64 { return mean + stddev*rand.NormFloat64() }
	}
	st := b.state()
	var s sleeper
	defer s.stop()

	tick := time.Now().Add(b.InitialDelay)
	if !s.until(ctx, tick) {
		return stopResult(ctx)
	}
	for {
		began := time.Now()
		success, err := call(WithTickTime(ctx, tick), b.Func)
		end := time.Now()
		if done, res, err := outcome(ctx, err, false, logErr); done {
			return res, err
		}
		delay, err := st.idle(success, math.Abs(gauss(st.jitter, 0.1)))
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

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// scale returns d×f, saturating instead of overflowing.
func scale(d time.Duration, f float64) time.Duration {
	v := float64(d) * f
	if v >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(v)
}

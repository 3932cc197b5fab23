package loopingcall

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Retrying says when to call a function again after it failed: oslo's
// RetryDecorator. A failure that is retryable (Retryable, RetryableIf) is
// followed by a sleep that grows by IncSleepTime after each failure, up to
// MaxSleepTime, and another call, at most MaxRetryCount times; any other
// error, or the last retryable one, is returned.
//
// Unlike oslo, whose decorator keeps its retry count and sleep time across
// all calls of the decorated function (so a second call starts where the
// first gave up), every Retry starts afresh.
type Retrying struct {
	// MaxRetryCount is how many times a call is retried: 0 means never,
	// -1 means without limit (oslo's default); below -1 is an error.
	MaxRetryCount int
	// IncSleepTime is added to the sleep before each retry; zero means
	// oslo's default of 10 s.
	IncSleepTime time.Duration
	// MaxSleepTime caps the sleep before a retry; zero means 60 s.
	MaxSleepTime time.Duration
	// Retryable lists the errors that call for a retry, matched with
	// errors.Is (oslo's exceptions tuple).
	Retryable []error
	// RetryableIf, when set, also calls for a retry when it returns true;
	// use it for errors matched by type, e.g. OfType[*net.OpError].
	RetryableIf func(error) bool
	// Name names the function in log lines; by default its Go name.
	Name string
	// Logger receives the debug lines oslo logs; nil means slog.Default().
	Logger *slog.Logger
}

// OfType reports whether err's tree holds an error of type E (errors.As):
// a RetryableIf that retries on a type of error, as oslo's exceptions
// tuple lists exception classes.
func OfType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

func (r *Retrying) retryable(err error) bool {
	for _, target := range r.Retryable {
		if errors.Is(err, target) {
			return true
		}
	}
	return r.RetryableIf != nil && r.RetryableIf(err)
}

func (r *Retrying) check() error {
	if r.MaxRetryCount < -1 {
		return fmt.Errorf("loopingcall: retrying: max retry count %d is below -1", r.MaxRetryCount)
	}
	if err := checkNonNegative("retrying", "inc sleep time", r.IncSleepTime); err != nil {
		return err
	}
	return checkNonNegative("retrying", "max sleep time", r.MaxSleepTime)
}

// Do calls f, and calls it again as r says while it fails; see Retry.
func (r Retrying) Do(ctx context.Context, f func(ctx context.Context) error) error {
	_, err := Retry(ctx, r, func(ctx context.Context) (struct{}, error) { return struct{}{}, f(ctx) })
	return err
}

// Retry calls f, and calls it again as r says while it fails with a
// retryable error. It returns what the last call returned; when ctx ends
// during a sleep, it returns an error wrapping both the context's cause and
// the last error. A panic in f is returned as a *PanicError and not
// retried unless r says so.
func Retry[T any](ctx context.Context, r Retrying, f func(ctx context.Context) (T, error)) (T, error) {
	if err := r.check(); err != nil {
		var zero T
		return zero, err
	}
	log := logger(r.Logger)
	name := r.Name
	if name == "" {
		name = funcName(f)
	}
	inc := orDefault(r.IncSleepTime, 10*time.Second)
	maxSleep := orDefault(r.MaxSleepTime, 60*time.Second)
	var s sleeper
	defer s.stop()
	var sleep time.Duration
	for count := 0; ; count++ {
		if count > 0 {
			log.Debug(fmt.Sprintf("Invoking %s; retry count is %d.", name, count))
		}
		v, err := call(ctx, f)
		if err == nil || !r.retryable(err) {
			return v, err
		}
		log.Debug(fmt.Sprintf("Exception which is in the suggested list of exceptions occurred while invoking function: %s.", name), "error", err)
		if r.MaxRetryCount >= 0 && count >= r.MaxRetryCount {
			log.Debug(fmt.Sprintf("Cannot retry %s upon suggested exception since retry count (%d) reached max retry count (%d).", name, count, r.MaxRetryCount))
			return v, err
		}
		if sleep < maxSleep {
			sleep += inc // oslo lets it grow without bound; only min(sleep, max) matters
		}
		if !s.until(ctx, time.Now().Add(min(sleep, maxSleep))) {
			var zero T
			return zero, fmt.Errorf("loopingcall: retrying %s: %w; last error: %w", name, context.Cause(ctx), err)
		}
	}
}

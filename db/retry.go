package db

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy is oslo.db's wrap_db_retry: which errors run a function
// again, how often, and how long to wait in between. The zero value
// retries nothing; DefaultRetryPolicy has the defaults of the db_*
// options.
type RetryPolicy struct {
	// Interval is the first wait (db_retry_interval).
	Interval time.Duration
	// IncInterval doubles the wait after each retry, up to MaxInterval
	// (db_inc_retry_interval, db_max_retry_interval).
	IncInterval bool
	MaxInterval time.Duration
	// MaxRetries is the number of retries after the first attempt
	// (db_max_retries); -1 retries until the context ends, as the
	// option's help says. (oslo.db 12's wrap_db_retry in fact retries
	// nothing with -1.)
	MaxRetries int
	// Jitter waits a random time in [0, interval) rather than the
	// interval; a deadlock always waits with jitter, as in oslo.
	Jitter bool
	// NoDeadlock and NoDisconnect turn off the retry of ErrDeadlock and
	// of ErrDisconnect (oslo's retry_on_deadlock and retry_on_disconnect,
	// here on by default).
	NoDeadlock, NoDisconnect bool
	// Checker, when set, is oslo's exception_checker: it may ask for a
	// retry of other errors.
	Checker func(error) bool
}

// DefaultRetryPolicy returns the policy of the db_* options' defaults:
// 1 s, doubling up to 10 s, 20 retries.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Interval: time.Second, IncInterval: true, MaxInterval: 10 * time.Second, MaxRetries: 20}
}

// retryRequest is oslo's RetryRequest.
type retryRequest struct{ err error }

func (r *retryRequest) Error() string { return "retry requested: " + r.err.Error() }
func (r *retryRequest) Unwrap() error { return r.err }

// RetryRequest wraps err so that Retry runs the function again whatever
// err is (oslo's RetryRequest); when the retries are exhausted Retry
// returns err itself. Typical use: a Model.Update that got ErrConflict.
func RetryRequest(err error) error {
	if err == nil {
		return nil
	}
	return &retryRequest{err: err}
}

// retryable reports whether p retries err, and whether it is a deadlock.
func (p *RetryPolicy) retryable(err error) (retry, deadlock bool) {
	var rr *retryRequest
	if errors.As(err, &rr) {
		return true, false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false
	}
	err = classify(err)
	switch {
	case errors.Is(err, ErrCommitUnknown):
		return false, false
	case errors.Is(err, ErrDeadlock):
		return !p.NoDeadlock, true
	case errors.Is(err, ErrDisconnect):
		return !p.NoDisconnect, false
	}
	return p.Checker != nil && p.Checker(err), false
}

// Retry runs fn until it succeeds, fails with an error the policy does not
// retry, the retries are exhausted, or ctx ends, waiting between attempts
// as wrap_db_retry does: Interval first, then (with IncInterval) twice the
// previous interval up to MaxInterval, with jitter for deadlocks. The
// error returned is fn's last (unwrapped from a RetryRequest), or ctx's.
func Retry(ctx context.Context, p RetryPolicy, fn func(ctx context.Context) error) error {
	return retry(ctx, p, fn, timerSleep)
}

// sleeper waits d or until ctx ends.
type sleeper func(ctx context.Context, d time.Duration) error

func timerSleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func retry(ctx context.Context, p RetryPolicy, fn func(ctx context.Context) error, sleep sleeper) error {
	wait, next := p.Interval, p.Interval
	remaining := p.MaxRetries
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		ok, deadlock := p.retryable(err)
		if !ok || remaining == 0 {
			return unwrapRetryRequest(err)
		}
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("%w (while waiting to retry after: %w)", cerr, unwrapRetryRequest(err))
		}
		if cerr := sleep(ctx, wait); cerr != nil {
			return fmt.Errorf("%w (while waiting to retry after: %w)", cerr, unwrapRetryRequest(err))
		}
		if p.IncInterval {
			next *= 2
			if (deadlock || p.Jitter) && next > 0 {
				wait = time.Duration(rand.Int64N(int64(next) + 1))
			} else {
				wait = next
			}
			if wait > p.MaxInterval {
				wait = p.MaxInterval
			}
		}
		if remaining > 0 {
			remaining--
		}
	}
}

func unwrapRetryRequest(err error) error {
	var rr *retryRequest
	if errors.As(err, &rr) {
		return rr.err
	}
	return err
}

package loopingcall_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/goslo/goslo/loopingcall"
)

// A fixed interval loop that polls until a job is done and hands its result
// to Wait, as a function raising LoopingCallDone(retvalue) does in oslo.
func ExampleFixedInterval() {
	polls := 0
	poll := &loopingcall.FixedInterval{
		Interval: 10 * time.Millisecond,
		Func: func(ctx context.Context) error {
			polls++
			if polls == 3 {
				return loopingcall.Done("ACTIVE")
			}
			return nil
		},
	}
	if err := poll.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	status, err := poll.Wait()
	fmt.Println(status, err, polls)
	// Output: ACTIVE <nil> 3
}

// A loop a service owns: started with the service, stopped and waited for
// when it stops.
func ExampleFixedInterval_stop() {
	ticks := make(chan struct{}, 1)
	report := &loopingcall.FixedInterval{
		Interval: time.Millisecond,
		Func: func(ctx context.Context) error {
			select {
			case ticks <- struct{}{}:
			default:
			}
			return nil
		},
	}
	if err := report.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	<-ticks
	report.Stop()
	_, err := report.Wait()
	fmt.Println("stopped:", err)
	// Output: stopped: <nil>
}

// The function says how long to sleep; MaxInterval caps it (a service's
// periodic_interval_max).
func ExampleDynamicInterval() {
	calls := 0
	d := &loopingcall.DynamicInterval{
		MaxInterval: 5 * time.Millisecond,
		Func: func(ctx context.Context) (time.Duration, error) {
			calls++
			if calls == 3 {
				return 0, loopingcall.Done(calls)
			}
			return time.Hour, nil // capped at 5 ms
		},
	}
	if err := d.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Wait())
	// Output: 3 <nil>
}

// Back off while a dependency is down; give up after Timeout.
func ExampleBackOff() {
	attempts := 0
	b := &loopingcall.BackOff{
		StartingInterval: time.Millisecond,
		Timeout:          20 * time.Millisecond,
		Logger:           slog.New(slog.DiscardHandler),
		Func: func(ctx context.Context) (bool, error) {
			attempts++
			return false, nil // still failing
		},
	}
	if err := b.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	_, err := b.Wait()
	fmt.Println(errors.Is(err, loopingcall.ErrTimeout), attempts > 1)
	// Output: true true
}

var errConflict = errors.New("conflict")

// Retry a call that fails with a retryable error, as oslo's
// @RetryDecorator(max_retry_count=3, exceptions=(Conflict,)) does.
func ExampleRetry() {
	tries := 0
	r := loopingcall.Retrying{
		MaxRetryCount: 3,
		IncSleepTime:  time.Millisecond,
		Retryable:     []error{errConflict},
	}
	id, err := loopingcall.Retry(context.Background(), r, func(ctx context.Context) (string, error) {
		tries++
		if tries < 3 {
			return "", fmt.Errorf("update server: %w", errConflict)
		}
		return "srv-1", nil
	})
	fmt.Println(id, err, tries)
	// Output: srv-1 <nil> 3
}

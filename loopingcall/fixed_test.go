package loopingcall

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errBoom = errors.New("boom")

// s is a shorthand for durations in tables.
func s(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }

// TestFixedIntervalSchedule checks when the calls happen, on the bubble's
// fake clock (exact, no wall-clock timing).
func TestFixedIntervalSchedule(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		initial  time.Duration
		runs     []time.Duration // how long call n takes (last one repeats)
		want     []time.Duration // call start times since Start
		warnings []string
	}{
		{
			name:     "grid",
			interval: s(1),
			runs:     []time.Duration{0},
			want:     []time.Duration{0, s(1), s(2), s(3), s(4)},
		},
		{
			name:     "initial delay",
			interval: s(1),
			initial:  s(0.5),
			runs:     []time.Duration{0},
			want:     []time.Duration{s(0.5), s(1.5), s(2.5), s(3.5)},
		},
		{
			// oslo sleeps interval-elapsed rounded to 10 ms after each run;
			// the grid does not move however long the runs take.
			name:     "run time does not shift the grid",
			interval: s(1),
			runs:     []time.Duration{s(0.3), s(0.997), s(0.004), s(0.5)},
			want:     []time.Duration{0, s(1), s(2), s(3), s(4)},
		},
		{
			name:     "overrun starts the next call at once and moves the grid",
			interval: s(1),
			runs:     []time.Duration{0, s(2.5), 0},
			want:     []time.Duration{0, s(1), s(3.5), s(4.5), s(5.5)},
			warnings: []string{"run outlasted interval by 1.50 sec"},
		},
		{
			name:     "overrun below oslo's 10 ms precision is not logged",
			interval: s(1),
			runs:     []time.Duration{0, s(1.004), 0},
			want:     []time.Duration{0, s(1), s(2.004), s(3.004)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs logBuf
				var got, ticks []time.Duration
				start := time.Now()
				f := &FixedInterval{
					Interval:     tc.interval,
					InitialDelay: tc.initial,
					Name:         "poll",
					Logger:       logs.logger(),
					Func: func(ctx context.Context) error {
						got = append(got, time.Since(start))
						tick, ok := TickTime(ctx)
						if !ok {
							t.Error("no tick time in the function's context")
						}
						ticks = append(ticks, tick.Sub(start))
						n := len(got)
						if n == len(tc.want) {
							return Done(n)
						}
						time.Sleep(tc.runs[min(n-1, len(tc.runs)-1)])
						return nil
					},
				}
				if err := f.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				v, err := f.Wait()
				if err != nil || v != len(tc.want) {
					t.Fatalf("Wait() = %v, %v; want %d, nil", v, err, len(tc.want))
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("call times (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(got, ticks); diff != "" {
					t.Errorf("TickTime differs from the call time on a fake clock (-call +tick):\n%s", diff)
				}
				if n := logs.count("outlasted"); n != len(tc.warnings) {
					t.Errorf("%d outlasted warnings, want %d; log:\n%s", n, len(tc.warnings), logs.String())
				}
				for _, w := range tc.warnings {
					if !strings.Contains(logs.String(), "Function 'poll' "+w) {
						t.Errorf("log lacks %q:\n%s", w, logs.String())
					}
				}
			})
		})
	}
}

func TestFixedNextWarning(t *testing.T) {
	base := time.Unix(1000, 0)
	tests := []struct {
		end      time.Duration // since tick
		wantNext time.Duration // since tick
		wantWarn time.Duration // -1: none
	}{
		{end: s(0.2), wantNext: s(1), wantWarn: -1},
		{end: s(1), wantNext: s(1), wantWarn: -1},
		{end: s(1.004), wantNext: s(1.004), wantWarn: -1},
		{end: s(1.006), wantNext: s(1.006), wantWarn: s(0.01)},
		{end: s(3.333), wantNext: s(3.333), wantWarn: s(2.33)},
	}
	for _, tc := range tests {
		t.Run(tc.end.String(), func(t *testing.T) {
			warned := time.Duration(-1)
			next, _ := fixedNext(base, s(1), base.Add(tc.end), func(d time.Duration) { warned = d })
			if got := next.Sub(base); got != tc.wantNext {
				t.Errorf("next = %v, want %v", got, tc.wantNext)
			}
			if warned != tc.wantWarn {
				t.Errorf("warning %v, want %v", warned, tc.wantWarn)
			}
		})
	}
}

func TestFixedIntervalErrors(t *testing.T) {
	tests := []struct {
		name            string
		continueOnError bool
		fail            func(n int) error // error of call n (1-based)
		wantCalls       int
		wantErr         error
		wantFailedLogs  int
	}{
		{
			name:           "error stops the loop",
			fail:           func(n int) error { return errorAt(n, 3, errBoom) },
			wantCalls:      3,
			wantErr:        errBoom,
			wantFailedLogs: 1,
		},
		{
			name:            "continue on error",
			continueOnError: true,
			fail:            func(n int) error { return errorAt(n, 2, errBoom) },
			wantCalls:       5,
			wantFailedLogs:  1,
		},
		{
			name: "panic is an error",
			fail: func(n int) error {
				if n == 2 {
					panic(errBoom)
				}
				return nil
			},
			wantCalls:      2,
			wantErr:        errBoom, // PanicError unwraps to the panicked error
			wantFailedLogs: 1,
		},
		{
			name:      "wrapped Done still stops normally",
			fail:      func(n int) error { return errorAt(n, 2, errors.Join(errBoom, Done(nil))) },
			wantCalls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs logBuf
				calls := 0
				f := &FixedInterval{
					Interval:        time.Second,
					ContinueOnError: tc.continueOnError,
					Name:            "poll",
					Logger:          logs.logger(),
					Func: func(ctx context.Context) error {
						calls++
						if calls == 5 {
							return Done(nil)
						}
						return tc.fail(calls)
					},
				}
				if err := f.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				_, err := f.Wait()
				if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
					t.Errorf("Wait() error = %v, want %v", err, tc.wantErr)
				}
				if calls != tc.wantCalls {
					t.Errorf("%d calls, want %d", calls, tc.wantCalls)
				}
				if n := logs.count("Fixed interval looping call 'poll' failed"); n != tc.wantFailedLogs {
					t.Errorf("%d failure lines, want %d:\n%s", n, tc.wantFailedLogs, logs.String())
				}
			})
		})
	}
}

func errorAt(n, at int, err error) error {
	if n == at {
		return err
	}
	return nil
}

func TestPanicErrorKeepsValueAndStack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &FixedInterval{Interval: time.Second, Logger: discard(), Func: func(context.Context) error { panic("bad state") }}
		if err := f.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, err := f.Wait()
		var p *PanicError
		if !errors.As(err, &p) {
			t.Fatalf("Wait() error = %v, want a *PanicError", err)
		}
		if p.Value != "bad state" || !strings.Contains(string(p.Stack), "TestPanicErrorKeepsValueAndStack") {
			t.Errorf("PanicError = %v with stack\n%s", p.Value, p.Stack)
		}
		if p.Unwrap() != nil {
			t.Errorf("Unwrap() = %v for a string panic", p.Unwrap())
		}
	})
}

func TestFixedIntervalStop(t *testing.T) {
	t.Run("during initial delay", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			calls := 0
			f := &FixedInterval{Interval: time.Second, InitialDelay: time.Hour, Func: func(context.Context) error { calls++; return nil }}
			if err := f.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			synctest.Wait() // the loop sleeps
			f.Stop()
			v, err := f.Wait()
			if v != nil || err != nil || calls != 0 {
				t.Errorf("Wait() = %v, %v after %d calls; want nil, nil, 0 calls", v, err, calls)
			}
		})
	})
	t.Run("between calls", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			calls := 0
			f := &FixedInterval{Interval: time.Second, Func: func(context.Context) error { calls++; return nil }}
			if err := f.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2500 * time.Millisecond)
			f.Stop()
			v, err := f.Wait()
			if v != nil || err != nil || calls != 3 {
				t.Errorf("Wait() = %v, %v after %d calls; want nil, nil, 3 calls", v, err, calls)
			}
		})
	})
	t.Run("during a call: the call's context is cancelled", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			inCall := make(chan struct{})
			f := &FixedInterval{Interval: time.Second, Func: func(ctx context.Context) error {
				close(inCall)
				<-ctx.Done()
				return ctx.Err()
			}}
			if err := f.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			<-inCall
			f.Stop()
			if v, err := f.Wait(); v != nil || err != nil {
				t.Errorf("Wait() = %v, %v; want nil, nil (a stop is not a failure)", v, err)
			}
		})
	})
	t.Run("parent context ends", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
			defer cancel()
			calls := 0
			f := &FixedInterval{Interval: time.Second, Func: func(context.Context) error { calls++; return nil }}
			if err := f.Start(ctx); err != nil {
				t.Fatal(err)
			}
			_, err := f.Wait()
			if !errors.Is(err, context.DeadlineExceeded) || calls != 2 {
				t.Errorf("Wait() error = %v after %d calls; want DeadlineExceeded after 2", err, calls)
			}
		})
	})
	t.Run("Stop and Wait twice", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := &FixedInterval{Interval: time.Second, Func: func(context.Context) error { return nil }}
			f.Stop() // before Start: nothing
			if _, err := f.Wait(); err == nil {
				t.Error("Wait before Start: no error")
			}
			if err := f.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			f.Stop()
			f.Stop()
			for range 2 {
				if _, err := f.Wait(); err != nil {
					t.Errorf("Wait() error = %v", err)
				}
			}
		})
	})
}

func TestFixedIntervalStartRules(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		calls := 0
		f := &FixedInterval{Interval: time.Second, Func: func(context.Context) error {
			calls++
			<-release
			return Done(calls)
		}}
		if err := f.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		err := f.Start(t.Context())
		if err == nil || !strings.Contains(err.Error(), "can only run one function at a time") {
			t.Errorf("second Start while running: %v", err)
		}
		release <- struct{}{}
		if v, err := f.Wait(); v != 1 || err != nil {
			t.Fatalf("first run: %v, %v", v, err)
		}
		// Once ended, the loop can start again.
		if err := f.Start(t.Context()); err != nil {
			t.Fatalf("restart: %v", err)
		}
		release <- struct{}{}
		if v, err := f.Wait(); v != 2 || err != nil {
			t.Errorf("second run: %v, %v", v, err)
		}
	})
}

func TestFixedIntervalInvalid(t *testing.T) {
	ok := func(context.Context) error { return nil }
	tests := []struct {
		name string
		f    *FixedInterval
		want string
	}{
		{"no func", &FixedInterval{Interval: time.Second}, "no Func"},
		{"zero interval", &FixedInterval{Func: ok}, "interval 0s is not positive"},
		{"negative interval", &FixedInterval{Func: ok, Interval: -time.Second}, "interval -1s is not positive"},
		{"negative initial delay", &FixedInterval{Func: ok, Interval: time.Second, InitialDelay: -1}, "initial delay -1ns is negative"},
		{"negative timeout", &FixedInterval{Func: ok, Interval: time.Second, Timeout: -time.Second}, "timeout -1s is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Start(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "loopingcall: ") {
				t.Errorf("Start() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestFixedIntervalTimeout mirrors oslo's FixedIntervalWithTimeoutLoopingCall:
// interval 0.05, timeout 0.12 -> calls at 0, .05, .10, .15, then "Looping
// call timed out after 0.15 seconds".
func TestFixedIntervalTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs logBuf
		calls := 0
		f := &FixedInterval{Interval: s(0.05), Timeout: s(0.12), Name: "slow", Logger: logs.logger(),
			Func: func(context.Context) error { calls++; return nil }}
		if err := f.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, err := f.Wait()
		if !errors.Is(err, ErrTimeout) || !strings.HasSuffix(err.Error(), "timed out after 0.15 seconds") {
			t.Errorf("Wait() error = %v", err)
		}
		if calls != 4 {
			t.Errorf("%d calls, want 4", calls)
		}
		if !strings.Contains(logs.String(), "Fixed interval looping call with timeout checking. 'slow' failed") {
			t.Errorf("log:\n%s", logs.String())
		}
	})
}

func TestRun(t *testing.T) {
	t.Run("runs in the calling goroutine", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			calls := 0
			f := &FixedInterval{Interval: time.Second, Func: func(context.Context) error {
				calls++
				if calls == 3 {
					return Done("ok")
				}
				return nil
			}}
			start := time.Now()
			v, err := f.Run(t.Context())
			if v != "ok" || err != nil || calls != 3 || time.Since(start) != 2*time.Second {
				t.Errorf("Run() = %v, %v after %d calls and %v", v, err, calls, time.Since(start))
			}
			if v, err := f.Wait(); v != "ok" || err != nil {
				t.Errorf("Wait() after Run = %v, %v", v, err)
			}
		})
	})
	t.Run("Stop from another goroutine", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			d := &DynamicInterval{Func: func(context.Context) (time.Duration, error) { return time.Minute, nil }}
			done := make(chan error)
			go func() {
				_, err := d.Run(t.Context())
				done <- err
			}()
			synctest.Wait()
			if err := d.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "can only run one function at a time") {
				t.Errorf("Start while Run runs: %v", err)
			}
			d.Stop()
			if err := <-done; err != nil {
				t.Errorf("Run() after Stop = %v", err)
			}
		})
	})
	t.Run("context ends", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
			defer cancel()
			b := &BackOff{Func: func(context.Context) (bool, error) { return true, nil }}
			if _, err := b.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Run() = %v, want DeadlineExceeded", err)
			}
		})
	})
	t.Run("invalid", func(t *testing.T) {
		if _, err := (&BackOff{}).Run(t.Context()); err == nil || !strings.Contains(err.Error(), "no Func") {
			t.Errorf("Run() = %v", err)
		}
	})
}

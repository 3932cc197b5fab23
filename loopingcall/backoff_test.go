package loopingcall

import (
	"context"
	"errors"
	"math"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestBackOffDefaults(t *testing.T) {
	st := (&BackOff{}).state()
	want := backOffState{starting: s(1), min: time.Millisecond, max: s(300), timeout: s(300), jitter: 0.75, interval: s(1)}
	if st != want {
		t.Errorf("defaults %+v, want oslo's %+v", st, want)
	}
	if st := (&BackOff{Timeout: -1}).state(); st.timeout > 0 {
		t.Errorf("negative Timeout gave timeout %v, want none", st.timeout)
	}
}

func TestBackOffErrorEndsLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs logBuf
		calls := 0
		b := &BackOff{Name: "connect", Logger: logs.logger(), Func: func(context.Context) (bool, error) {
			calls++
			if calls == 3 {
				return false, &net.OpError{Op: "dial", Err: errBoom}
			}
			return false, nil
		}}
		if err := b.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, err := b.Wait()
		if !OfType[*net.OpError](err) || calls != 3 {
			t.Errorf("Wait() error = %v after %d calls", err, calls)
		}
		if !strings.Contains(logs.String(), "Dynamic backoff interval looping call 'connect' failed") {
			t.Errorf("log:\n%s", logs.String())
		}
	})
}

func TestBackOffRestartResetsState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls []time.Time
		b := &BackOff{Jitter: 1, gauss: func(m, _ float64) float64 { return m }, Func: func(context.Context) (bool, error) {
			calls = append(calls, time.Now())
			if len(calls)%3 == 0 {
				return false, Done(len(calls))
			}
			return false, nil
		}}
		for run := 1; run <= 2; run++ {
			calls = calls[:0]
			if err := b.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			if v, err := b.Wait(); v != 3 || err != nil {
				t.Fatalf("run %d: Wait() = %v, %v", run, v, err)
			}
			if got := diffs(calls); got[0] != s(2) || got[1] != s(4) {
				t.Errorf("run %d sleeps %v, want [2s 4s]", run, got)
			}
		}
	})
}

func TestBackOffInvalid(t *testing.T) {
	f := func(context.Context) (bool, error) { return true, nil }
	for _, tc := range []struct {
		b    *BackOff
		want string
	}{
		{&BackOff{}, "no Func"},
		{&BackOff{Func: f, MinInterval: -1}, "min interval -1ns is negative"},
		{&BackOff{Func: f, StartingInterval: -time.Second}, "starting interval -1s is negative"},
		{&BackOff{Func: f, Jitter: -0.5}, "jitter -0.5 is not a positive number"},
		{&BackOff{Func: f, Jitter: math.NaN()}, "jitter NaN"},
	} {
		if err := tc.b.Start(t.Context()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start() = %v, want %q", err, tc.want)
		}
	}
}

func TestScaleSaturates(t *testing.T) {
	if got := scale(math.MaxInt64/2, 4); got != math.MaxInt64 {
		t.Errorf("scale overflowed to %v", got)
	}
	if got := scale(s(1), 0.75); got != s(0.75) {
		t.Errorf("scale(1s, 0.75) = %v", got)
	}
}

func TestRetry(t *testing.T) {
	t.Run("retryable by type", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			calls := 0
			err := Retrying{MaxRetryCount: -1, IncSleepTime: time.Second, RetryableIf: OfType[*net.OpError], Logger: discard()}.
				Do(t.Context(), func(context.Context) error {
					calls++
					if calls < 4 {
						return &net.OpError{Op: "dial", Err: errBoom}
					}
					return nil
				})
			if err != nil || calls != 4 {
				t.Errorf("Do() = %v after %d calls", err, calls)
			}
		})
	})
	t.Run("every call starts afresh (oslo shares the count)", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			r := Retrying{MaxRetryCount: 2, IncSleepTime: time.Second, Retryable: []error{errRetryable}, Logger: discard()}
			for i := range 2 {
				calls := 0
				start := time.Now()
				err := r.Do(t.Context(), func(context.Context) error { calls++; return errRetryable })
				if !errors.Is(err, errRetryable) || calls != 3 || time.Since(start) != s(3) {
					t.Errorf("call %d: %v after %d calls and %v", i, err, calls, time.Since(start))
				}
			}
		})
	})
	t.Run("context ends during the sleep", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 25*time.Second)
			defer cancel()
			calls := 0
			_, err := Retry(ctx, Retrying{MaxRetryCount: -1, Retryable: []error{errRetryable}, Name: "sync", Logger: discard()},
				func(context.Context) (int, error) { calls++; return 0, errRetryable })
			if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, errRetryable) || calls != 2 {
				t.Errorf("Retry() = %v after %d calls (sleeps 10 s, 20 s: the second is cut)", err, calls)
			}
			if !strings.HasPrefix(err.Error(), "loopingcall: retrying sync: ") {
				t.Errorf("error %q lacks its prefix", err)
			}
		})
	})
	t.Run("a panic is returned, not retried", func(t *testing.T) {
		calls := 0
		_, err := Retry(t.Context(), Retrying{Retryable: []error{errRetryable}, Logger: discard()},
			func(context.Context) (int, error) { calls++; panic("bad") })
		var p *PanicError
		if !errors.As(err, &p) || calls != 1 {
			t.Errorf("Retry() = %v after %d calls", err, calls)
		}
	})
	t.Run("debug lines", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var logs logBuf
			_ = Retrying{MaxRetryCount: 1, Retryable: []error{errRetryable}, Name: "sync", Logger: logs.logger()}.
				Do(t.Context(), func(context.Context) error { return errRetryable })
			for _, line := range []string{
				"Exception which is in the suggested list of exceptions occurred while invoking function: sync.",
				"Invoking sync; retry count is 1.",
				"Cannot retry sync upon suggested exception since retry count (1) reached max retry count (1).",
			} {
				if !strings.Contains(logs.String(), line) {
					t.Errorf("log lacks %q:\n%s", line, logs.String())
				}
			}
		})
	})
	t.Run("invalid", func(t *testing.T) {
		for _, tc := range []struct {
			r    Retrying
			want string
		}{
			{Retrying{MaxRetryCount: -2}, "max retry count -2 is below -1"},
			{Retrying{IncSleepTime: -1}, "inc sleep time -1ns is negative"},
			{Retrying{MaxSleepTime: -1}, "max sleep time -1ns is negative"},
		} {
			called := false
			err := tc.r.Do(t.Context(), func(context.Context) error { called = true; return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) || called {
				t.Errorf("Do() = %v (called %v), want %q", err, called, tc.want)
			}
		}
	})
}

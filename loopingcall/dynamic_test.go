package loopingcall

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDynamicIntervalSchedule(t *testing.T) {
	tests := []struct {
		name            string
		initial, max    time.Duration
		continueOnError bool
		delays          []time.Duration // returned by call n
		errs            []error         // returned by call n (nil: none)
		runs            []time.Duration // how long call n takes
		want            []time.Duration // call start times since Start
	}{
		{
			name:   "the function's delays",
			delays: []time.Duration{s(1), s(3), 0, s(2)},
			want:   []time.Duration{0, s(1), s(4), s(4), s(6)},
		},
		{
			name:    "initial delay",
			initial: s(5),
			delays:  []time.Duration{s(1)},
			want:    []time.Duration{s(5), s(6)},
		},
		{
			name:   "delay counts from the end of the call",
			delays: []time.Duration{s(1), s(1)},
			runs:   []time.Duration{s(0.5), s(0.25)},
			want:   []time.Duration{0, s(1.5), s(2.75)},
		},
		{
			name:   "max interval caps the delay",
			max:    s(2),
			delays: []time.Duration{s(10), s(1), s(60)},
			want:   []time.Duration{0, s(2), s(3), s(5)},
		},
		{
			name:   "UseMaxInterval sleeps the max",
			max:    s(7),
			delays: []time.Duration{UseMaxInterval, s(1)},
			want:   []time.Duration{0, s(7), s(8)},
		},
		{
			name:            "continue on error uses the delay returned with the error",
			continueOnError: true,
			delays:          []time.Duration{s(3), s(1)},
			errs:            []error{errBoom, errBoom},
			want:            []time.Duration{0, s(3), s(4)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var got []time.Duration
				start := time.Now()
				d := &DynamicInterval{
					InitialDelay:    tc.initial,
					MaxInterval:     tc.max,
					ContinueOnError: tc.continueOnError,
					Logger:          discard(),
					Func: func(ctx context.Context) (time.Duration, error) {
						got = append(got, time.Since(start))
						if tick, _ := TickTime(ctx); !tick.Equal(time.Now()) {
							t.Errorf("tick %v, called at %v", tick.Sub(start), time.Since(start))
						}
						n := len(got) - 1
						if n == len(tc.want)-1 {
							return 0, Done(nil)
						}
						if n < len(tc.runs) {
							time.Sleep(tc.runs[n])
						}
						var err error
						if n < len(tc.errs) {
							err = tc.errs[n]
						}
						return tc.delays[min(n, len(tc.delays)-1)], err
					},
				}
				if err := d.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				if _, err := d.Wait(); err != nil {
					t.Fatalf("Wait() error = %v", err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("call times (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestDynamicIntervalBadDelay(t *testing.T) {
	tests := []struct {
		name  string
		max   time.Duration
		delay time.Duration
		want  string
	}{
		{"no delay and no max", 0, UseMaxInterval, "loopingcall: a dynamic interval looping call should supply either an interval or periodic_interval_max"},
		{"negative delay", s(5), -time.Second, "loopingcall: dynamic interval looping call: delay -1s is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs logBuf
				d := &DynamicInterval{MaxInterval: tc.max, ContinueOnError: true, Name: "f", Logger: logs.logger(),
					Func: func(context.Context) (time.Duration, error) { return tc.delay, nil }}
				if err := d.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				_, err := d.Wait()
				if err == nil || err.Error() != tc.want {
					t.Errorf("Wait() error = %v, want %q", err, tc.want)
				}
				if !strings.Contains(logs.String(), "Dynamic interval looping call 'f' failed") {
					t.Errorf("log:\n%s", logs.String())
				}
			})
		})
	}
}

func TestDynamicIntervalStopsOnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		d := &DynamicInterval{Logger: discard(), Func: func(context.Context) (time.Duration, error) {
			calls++
			if calls == 2 {
				return 0, &fs.PathError{Op: "open", Path: "/x", Err: os.ErrNotExist}
			}
			return time.Second, nil
		}}
		if err := d.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, err := d.Wait()
		if !errors.Is(err, os.ErrNotExist) || calls != 2 {
			t.Errorf("Wait() error = %v after %d calls", err, calls)
		}
	})
}

func TestDynamicIntervalInvalid(t *testing.T) {
	f := func(context.Context) (time.Duration, error) { return 0, nil }
	for _, tc := range []struct {
		d    *DynamicInterval
		want string
	}{
		{&DynamicInterval{}, "no Func"},
		{&DynamicInterval{Func: f, InitialDelay: -time.Second}, "initial delay -1s is negative"},
		{&DynamicInterval{Func: f, MaxInterval: -time.Second}, "max interval -1s is negative"},
	} {
		if err := tc.d.Start(t.Context()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start() = %v, want %q", err, tc.want)
		}
	}
}

// TestNextTick checks the time line arithmetic shared by the dynamic
// loops: a late wake-up is not carried forward, an overdue tick starts at
// once.
func TestNextTick(t *testing.T) {
	tick := time.Unix(100, 0)
	tests := []struct {
		name           string
		late, ran, dly time.Duration // wake-up lateness, run time, delay
		want           time.Duration // next tick since tick
	}{
		{"on time", 0, s(0.5), s(2), s(2.5)},
		{"late wake-up is absorbed", s(0.01), s(0.5), s(2), s(2.5)},
		{"delay shorter than the lateness: at once", s(0.3), s(0.5), s(0.1), s(0.8)},
		{"zero delay: at once", 0, s(0.5), 0, s(0.5)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			end := tick.Add(tc.late + tc.ran)
			if got := nextTick(tick, tc.ran, tc.dly, end).Sub(tick); got != tc.want {
				t.Errorf("next tick at +%v, want +%v", got, tc.want)
			}
		})
	}
}

func TestNow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := Now(t.Context()); !got.Equal(time.Now()) {
			t.Errorf("Now outside a loop = %v, want time.Now() %v", got, time.Now())
		}
		start := time.Now()
		ctx := WithTickTime(t.Context(), start.Add(-3*time.Millisecond)) // woke 3 ms late
		time.Sleep(500 * time.Millisecond)                               // the function works
		if got := Now(ctx).Sub(start); got != 497*time.Millisecond {
			t.Errorf("Now = start%+v, want start+497ms (the tick plus the time spent)", got)
		}
		if tick, ok := TickTime(ctx); !ok || !tick.Equal(start.Add(-3*time.Millisecond)) {
			t.Errorf("TickTime = %v, %v", tick, ok)
		}
		future := WithTickTime(t.Context(), time.Now().Add(time.Hour))
		if tick, _ := TickTime(future); !tick.Equal(time.Now()) {
			t.Errorf("a tick in the future was kept: %v", time.Until(tick))
		}
	})
}

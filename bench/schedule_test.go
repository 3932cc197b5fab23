package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakes is a set of fake instances that write what schedule makes them
// do to one log, and notice two of them starting or loading at once.
type fakes struct {
	log     []string
	busy    int // instances inside up or load now
	overlap []string
	stops   map[string]int
	cancel  context.CancelFunc
	failUp  string // this one's up fails
	// cancelIn cancels the run inside this step ("load b", "wait").
	cancelIn string
}

type fake struct {
	name string
	f    *fakes
}

func (f *fakes) step(name string) {
	f.log = append(f.log, name)
	if f.cancelIn == name {
		f.cancel()
	}
}

func (f *fakes) enter(step string) {
	f.busy++
	if f.busy > 1 {
		f.overlap = append(f.overlap, step)
	}
	f.step(step)
}

func (x fake) up(ctx context.Context) error {
	x.f.enter("up " + x.name)
	defer func() { x.f.busy-- }()
	if x.f.failUp == x.name {
		return errors.New("no 200")
	}
	return ctx.Err()
}

func (x fake) idle(from, to time.Time) {
	if to.Before(from) {
		x.f.overlap = append(x.f.overlap, fmt.Sprintf("idle %s: window %v to %v", x.name, from, to))
	}
	x.f.step("idle " + x.name)
}

func (x fake) load(ctx context.Context) {
	x.f.enter("load " + x.name)
	x.f.busy--
}

func (x fake) stop() {
	x.f.stops[x.name]++
	x.f.step("stop " + x.name)
}

// TestSchedule checks the order of a run's phases: start-ups one at a
// time, one idle window for all, then each instance loaded in turn and
// stopped right after; and that every instance whose up was called is
// stopped exactly once, on an error or a cancelled run too.
func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		name             string
		failUp, cancelIn string
		want             []string
		wantErr          error
	}{
		{
			name: "all up",
			want: []string{"up a", "up b", "up c", "wait", "idle a", "idle b", "idle c",
				"load a", "stop a", "load b", "stop b", "load c", "stop c"},
		},
		{
			name:   "one fails to start",
			failUp: "b",
			want: []string{"up a", "up b", "stop b", "up c", "wait", "idle a", "idle c",
				"load a", "stop a", "load c", "stop c"},
		},
		{
			name:     "cancelled while starting",
			cancelIn: "up b",
			want:     []string{"up a", "up b", "stop b", "stop a"},
			wantErr:  context.Canceled,
		},
		{
			name:     "cancelled while idle",
			cancelIn: "wait",
			want:     []string{"up a", "up b", "up c", "wait", "stop a", "stop b", "stop c"},
			wantErr:  context.Canceled,
		},
		{
			name:     "cancelled while loading",
			cancelIn: "load b",
			want: []string{"up a", "up b", "up c", "wait", "idle a", "idle b", "idle c",
				"load a", "stop a", "load b", "stop b", "stop c"},
			wantErr: context.Canceled,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f := &fakes{stops: map[string]int{}, cancel: cancel, failUp: tc.failUp, cancelIn: tc.cancelIn}
			var all []instance
			for _, n := range []string{"a", "b", "c"} {
				all = append(all, fake{name: n, f: f})
			}
			err := schedule(ctx, all, func(ctx context.Context) error {
				f.step("wait")
				return ctx.Err()
			})
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("schedule: %v, want %v", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, f.log); d != "" {
				t.Errorf("steps (-want +got):\n%s\ngot: %s", d, strings.Join(f.log, ", "))
			}
			if len(f.overlap) > 0 {
				t.Errorf("overlapping steps: %v", f.overlap)
			}
			for _, step := range f.log {
				if n, ok := strings.CutPrefix(step, "up "); ok && f.stops[n] != 1 {
					t.Errorf("%s started, stopped %d times, want once", n, f.stops[n])
				}
			}
		})
	}
}

// TestScheduleNothingUp: when no instance starts, there is no idle
// window and nothing to load.
func TestScheduleNothingUp(t *testing.T) {
	f := &fakes{stops: map[string]int{}, failUp: "a"}
	err := schedule(context.Background(), []instance{fake{name: "a", f: f}}, func(context.Context) error {
		f.step("wait")
		return nil
	})
	if err != nil {
		t.Errorf("schedule: %v", err)
	}
	if d := cmp.Diff([]string{"up a", "stop a"}, f.log); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
}

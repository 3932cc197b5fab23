package manager

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/periodic"
	"github.com/goslo/goslo/reqctx"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var quiet = slog.New(slog.DiscardHandler)

// recorder is a manager that records its hooks and task runs.
type recorder struct {
	Base
	mu     sync.Mutex
	calls  []string
	tasks  *periodic.Tasks
	failAt string
}

func (r *recorder) note(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
	if s == r.failAt {
		return errors.New("failing " + s)
	}
	return nil
}

func (r *recorder) InitHost(context.Context) error      { return r.note("init_host") }
func (r *recorder) PreStartHook(context.Context) error  { return r.note("pre_start_hook") }
func (r *recorder) PostStartHook(context.Context) error { return r.note("post_start_hook") }
func (r *recorder) CleanupHost(context.Context) error   { return r.note("cleanup_host") }
func (r *recorder) Reset(context.Context)               { r.note("reset") }
func (r *recorder) PeriodicTasks() *periodic.Tasks      { return r.tasks }

func (r *recorder) got() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.calls, ",")
}

func newConf(t *testing.T, text string) *config.Config {
	t.Helper()
	c := config.New()
	c.SetLogger(quiet)
	if err := RegisterOptions(c); err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/m.conf"
	if err := writeFile(file, "[DEFAULT]\n"+text); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHooksAndTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := newConf(t, "periodic_fuzzy_delay = 0\nperiodic_interval_max = 5\n")
		r := &recorder{}
		ran := make(chan time.Time, 10)
		var admin bool
		tasks, err := periodic.New("Recorder", periodic.DefaultConfig(), quiet, periodic.Task{
			Name: "tick", Spacing: 2 * time.Second, RunImmediately: true,
			Func: func(ctx context.Context) error {
				admin = reqctx.From(ctx) != nil && reqctx.From(ctx).IsAdmin
				ran <- time.Now()
				return r.note("tick")
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		r.tasks = tasks
		s, err := NewService(conf, "test", r, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			<-ran
		}
		if d := time.Since(t0); d != 4*time.Second {
			t.Errorf("three runs spaced 2 s took %v, want 4s", d)
		}
		if !admin {
			t.Error("tasks do not run with an admin request context")
		}
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got, want := r.got(), "init_host,pre_start_hook,post_start_hook,tick,tick,tick,cleanup_host"; got != want {
			t.Errorf("calls %s, want %s", got, want)
		}
	})
}

func TestFuzzyDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := newConf(t, "periodic_fuzzy_delay = 7\n")
		ran := make(chan time.Time, 1)
		tasks, _ := periodic.New("M", periodic.DefaultConfig(), quiet, periodic.Task{
			Name: "t", Spacing: time.Hour, RunImmediately: true,
			Func: func(context.Context) error { ran <- time.Now(); return nil },
		})
		s, _ := NewService(conf, "test", &recorder{tasks: tasks}, quiet)
		t0 := time.Now()
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		d := (<-ran).Sub(t0)
		if d < 0 || d > 7*time.Second || d%time.Second != 0 {
			t.Errorf("first run after %v: want a whole number of seconds in [0, 7s]", d)
		}
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPeriodicDisabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := newConf(t, "periodic_enable = false\n")
		r := &recorder{}
		r.tasks, _ = periodic.New("M", periodic.DefaultConfig(), quiet, periodic.Task{
			Name: "t", Spacing: time.Second, RunImmediately: true, Func: func(context.Context) error { return r.note("tick") },
		})
		s, _ := NewService(conf, "test", r, quiet)
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second)
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := r.got(); strings.Contains(got, "tick") {
			t.Errorf("a task ran with periodic_enable = false: %s", got)
		}
	})
}

func TestStopWaitsForRunningTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := newConf(t, "periodic_fuzzy_delay = 0\n")
		r := &recorder{}
		started := make(chan struct{})
		r.tasks, _ = periodic.New("M", periodic.DefaultConfig(), quiet, periodic.Task{
			Name: "slow", Spacing: time.Minute, RunImmediately: true,
			Func: func(ctx context.Context) error {
				close(started)
				time.Sleep(3 * time.Second) // a task that does not look at ctx
				return r.note("slow done")
			},
		})
		s, _ := NewService(conf, "test", r, quiet)
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		<-started
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := r.got(); !strings.HasSuffix(got, "slow done,cleanup_host") {
			t.Errorf("cleanup_host before the task finished: %s", got)
		}
	})
}

func TestStartFailureAndReset(t *testing.T) {
	conf := newConf(t, "")
	r := &recorder{failAt: "pre_start_hook"}
	s, _ := NewService(conf, "test", r, quiet)
	if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "pre_start_hook") {
		t.Fatalf("Start = %v", err)
	}
	if got := r.got(); got != "init_host,pre_start_hook" {
		t.Errorf("hooks after a failure: %s", got)
	}
	s.Reset(context.Background())
	if !strings.HasSuffix(r.got(), "reset") {
		t.Error("Reset not passed to the manager")
	}
}

var registerOnce sync.Once

func TestRegistry(t *testing.T) {
	registerOnce.Do(func() { // the registry is process-wide; -count reruns the test
		Register("goslo.test.Recorder", func(*config.Config, any) (Manager, error) { return &recorder{}, nil })
		Register("goslo.test.Broken", func(*config.Config, any) (Manager, error) { return nil, errors.New("no host") })
	})
	conf := config.New()
	opt := Opt("test_manager", "goslo.test.Recorder", "Full class name for the manager.")
	other := Opt("other_manager", "goslo.test.Nope", "")
	if err := conf.Register(opt, other); err != nil {
		t.Fatal(err)
	}
	if m, err := FromOption(conf, opt, nil); err != nil || m == nil {
		t.Fatalf("FromOption: %v", err)
	}
	_, err := FromOption(conf, other, nil)
	if err == nil || !strings.Contains(err.Error(), "other_manager") || !strings.Contains(err.Error(), "goslo.test.Recorder") {
		t.Errorf("unknown manager error = %v", err)
	}
	if _, err := New("goslo.test.Broken", conf, nil); err == nil || !strings.Contains(err.Error(), "no host") {
		t.Errorf("factory error = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a name twice did not panic")
		}
	}()
	Register("goslo.test.Recorder", func(*config.Config, any) (Manager, error) { return nil, nil })
}

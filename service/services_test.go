package service_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goslo/goslo/loopingcall"
	"github.com/goslo/goslo/service"
)

var quiet = slog.New(slog.DiscardHandler)

type fake struct {
	name     string
	log      *[]string
	mu       *sync.Mutex
	startErr error
	hang     bool
	failed   chan struct{}
}

func (f *fake) Name() string { return f.name }
func (f *fake) add(s string) {
	f.mu.Lock()
	*f.log = append(*f.log, s)
	f.mu.Unlock()
}
func (f *fake) Start(ctx context.Context) error {
	f.add("start " + f.name)
	return f.startErr
}
func (f *fake) Stop(ctx context.Context) error {
	f.add("stop " + f.name)
	if f.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}
func (f *fake) Reset(ctx context.Context) { f.add("reset " + f.name) }
func (f *fake) Failed() <-chan struct{}   { return f.failed }
func (f *fake) Err() error                { return errors.New(f.name + " broke") }

func fakes(names ...string) ([]*fake, *[]string) {
	var log []string
	var mu sync.Mutex
	var out []*fake
	for _, n := range names {
		out = append(out, &fake{name: n, log: &log, mu: &mu, failed: make(chan struct{})})
	}
	return out, &log
}

func svcs(fs []*fake) []service.Service {
	var out []service.Service
	for _, f := range fs {
		out = append(out, f)
	}
	return out
}

func TestServicesOrder(t *testing.T) {
	fs, log := fakes("a", "b", "c")
	s := service.NewServices(svcs(fs)...)
	s.Log = quiet
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.Reset(ctx)
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal("second Stop:", err)
	}
	want := "start a,start b,start c,reset a,reset b,reset c,stop c,stop b,stop a"
	if got := strings.Join(*log, ","); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if err := s.Start(ctx); !errors.Is(err, service.ErrStopped) {
		t.Errorf("Start after Stop = %v", err)
	}
}

func TestServicesPartialStartStopsWhatStarted(t *testing.T) {
	fs, log := fakes("a", "b", "c")
	fs[1].startErr = errors.New("port in use")
	s := service.NewServices(svcs(fs)...)
	s.Log = quiet
	err := s.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "start b: port in use") {
		t.Fatalf("Start = %v", err)
	}
	if got := strings.Join(*log, ","); got != "start a,start b,stop a" {
		t.Errorf("got %s", got)
	}
}

func TestServicesStopNamesTheHangingOne(t *testing.T) {
	fs, log := fakes("a", "slow", "c")
	fs[1].hang = true
	s := service.NewServices(svcs(fs)...)
	s.Log = quiet
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := s.Stop(ctx)
	if err == nil || !strings.Contains(err.Error(), "stop slow") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v", err)
	}
	if got := strings.Join(*log, ","); !strings.HasSuffix(got, "stop c,stop slow,stop a") {
		t.Errorf("the others were not stopped: %s", got)
	}
}

func TestServicesFailure(t *testing.T) {
	fs, _ := fakes("a", "b")
	s := service.NewServices(svcs(fs)...)
	s.Log = quiet
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(fs[1].failed)
	select {
	case <-s.Failed():
	case <-time.After(10 * time.Second):
		t.Fatal("Failed not closed")
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "b broke") {
		t.Errorf("Err = %v", err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestGroup(t *testing.T) {
	g := service.NewGroup(quiet)
	ran := make(chan string, 3)
	g.Go("returns", func(ctx context.Context) error { ran <- "returns"; return nil })
	g.Go("waits", func(ctx context.Context) error { <-ctx.Done(); ran <- "waits"; return ctx.Err() })
	g.Go("panics", func(ctx context.Context) error { panic("boom") })
	var closed []string
	g.AddCloser(func() error { closed = append(closed, "first"); return nil })
	g.AddCloser(func() error { closed = append(closed, "second"); return errors.New("closer failed") })
	<-ran
	err := g.Stop(context.Background())
	if err == nil || !strings.Contains(err.Error(), "panics: panic: boom") || !strings.Contains(err.Error(), "closer failed") {
		t.Errorf("Stop = %v", err)
	}
	if strings.Join(closed, ",") != "second,first" {
		t.Errorf("closers ran %v, want reverse order", closed)
	}
	if err := g.Go("late", func(context.Context) error { return nil }); !errors.Is(err, service.ErrQuiescing) {
		t.Errorf("Go after Stop = %v", err)
	}
	if err2 := g.Stop(context.Background()); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("second Stop = %v", err2)
	}
}

func TestGroupStopDeadlineNamesTasks(t *testing.T) {
	g := service.NewGroup(quiet)
	release := make(chan struct{})
	g.Go("stubborn", func(ctx context.Context) error { <-release; return nil })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := g.Stop(ctx)
	if err == nil || !strings.Contains(err.Error(), "stubborn") {
		t.Errorf("Stop = %v", err)
	}
	close(release)
}

func TestGroupTimers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := service.NewGroup(quiet)
		var fixed, dynamic []time.Duration
		t0 := time.Now()
		g.AddTimer("fixed", time.Second, 500*time.Millisecond, func(ctx context.Context) error {
			fixed = append(fixed, time.Since(t0))
			if len(fixed) == 3 {
				return loopingcall.Done(nil)
			}
			return nil
		})
		g.AddDynamicTimer("dynamic", 0, 2*time.Second, func(ctx context.Context) (time.Duration, error) {
			dynamic = append(dynamic, time.Since(t0))
			return time.Hour, nil // capped at 2s
		})
		time.Sleep(5 * time.Second)
		if err := g.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if want := []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond, 2500 * time.Millisecond}; !equalDur(fixed, want) {
			t.Errorf("fixed timer ran at %v, want %v", fixed, want)
		}
		if want := []time.Duration{0, 2 * time.Second, 4 * time.Second}; !equalDur(dynamic, want) {
			t.Errorf("dynamic timer ran at %v, want %v", dynamic, want)
		}
	})
}

func equalDur(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d < 0 || d > 5*time.Millisecond {
			return false
		}
	}
	return true
}

func TestHook(t *testing.T) {
	var got []string
	h := service.Hook{Name: "log",
		OnStart: func(context.Context) error { got = append(got, "start"); return nil },
		OnReset: func(context.Context) { got = append(got, "reset") },
		OnStop:  func(context.Context) error { got = append(got, "stop"); return nil }}
	s := service.NewServices(h, service.Hook{Name: "empty"})
	s.Log = quiet
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.Reset(ctx)
	// A restart leaves a hook running (a database pool must not close).
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "start,reset,stop" {
		t.Errorf("got %v", got)
	}
	restarted := 0
	r := service.NewServices(service.Hook{Name: "r", OnRestart: func(context.Context) error { restarted++; return nil }})
	r.Log = quiet
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Restart(ctx); err != nil || restarted != 1 {
		t.Errorf("OnRestart ran %d times: %v", restarted, err)
	}
	r.Stop(ctx)
}

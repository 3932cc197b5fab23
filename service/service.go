package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Service is what a launcher runs: oslo's ServiceBase.
//
// Start starts the service and returns once it runs; work that lasts goes
// to goroutines the service owns (a Group is made for that). Stop stops
// taking new work, finishes the work in flight and returns when it is
// done, or returns ctx.Err() once ctx is done, after forcing the rest to
// stop. Stop is called once per successful Start.
type Service interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Resetter is implemented by a service that has something to do when the
// launcher reloads or mutates the configuration on SIGHUP (oslo's reset).
type Resetter interface {
	Reset(ctx context.Context)
}

// Restarter is implemented by a service that can replace itself without a
// gap, for SIGHUP with restart method "reload" in a single process: it
// starts anew (with the reloaded configuration) before it lets the old
// generation go. A service without it is stopped, then started again.
type Restarter interface {
	Restart(ctx context.Context) error
}

// Failer is implemented by a service that can fail while it runs (a server
// whose listener broke): when Failed is closed the launcher stops
// everything and exits with Err.
type Failer interface {
	Failed() <-chan struct{}
	Err() error
}

// Named is implemented by a service that has a name for logs; others are
// named by their Go type.
type Named interface {
	Name() string
}

func nameOf(s Service) string {
	switch n := s.(type) {
	case Named:
		return n.Name()
	case fmt.Stringer:
		return n.String()
	}
	return fmt.Sprintf("%T", s)
}

// ErrStopped is returned by Services.Start after Stop.
var ErrStopped = errors.New("service: stopped")

// Services runs several services as one (oslo's Services): they start in
// order, and stop in reverse order. It is itself a Service.
type Services struct {
	Log *slog.Logger // nil: slog.Default()

	mu      sync.Mutex
	list    []Service
	started int          // list[:started] were started
	down    map[int]bool // of those, the ones a failed Restart left stopped
	stopped bool
	failed  chan struct{}
	failErr error
	watch   *Group
}

// NewServices returns the services as one, to be started in this order.
func NewServices(svcs ...Service) *Services {
	return &Services{list: svcs, failed: make(chan struct{})}
}

// Add appends a service; it starts with the next Start.
func (s *Services) Add(svc Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, svc)
}

func (s *Services) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Start starts every service in order. If one fails, the ones already
// started are stopped, in reverse order, and the error is returned.
func (s *Services) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return ErrStopped
	}
	if s.failed == nil {
		s.failed = make(chan struct{})
	}
	if s.watch == nil {
		s.watch = NewGroup(s.log())
	}
	for s.started < len(s.list) {
		svc := s.list[s.started]
		if err := svc.Start(ctx); err != nil {
			err = fmt.Errorf("service: start %s: %w", nameOf(svc), err)
			stopErr := s.stopStarted(context.WithoutCancel(ctx))
			return errors.Join(err, stopErr)
		}
		s.started++
		if f, ok := svc.(Failer); ok {
			name := nameOf(svc)
			s.watch.Go("watch "+name, func(wctx context.Context) error {
				select {
				case <-f.Failed():
					s.fail(fmt.Errorf("service: %s failed: %w", name, f.Err()))
				case <-wctx.Done():
				}
				return nil
			})
		}
	}
	return nil
}

func (s *Services) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failErr == nil {
		s.failErr = err
		close(s.failed)
	}
}

// Failed is closed when a running service failed.
func (s *Services) Failed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == nil {
		s.failed = make(chan struct{})
	}
	return s.failed
}

// Err is the failure that closed Failed.
func (s *Services) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failErr
}

// Stop stops the started services in reverse order. Each gets what is
// left of ctx; a service that does not stop in time is named in the log
// and in the error, and the others are still stopped. Stop is idempotent.
func (s *Services) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	return s.stopStarted(ctx)
}

// stopStarted stops list[:started] in reverse; s.mu is held.
func (s *Services) stopStarted(ctx context.Context) error {
	var errs []error
	for s.started > 0 {
		s.started--
		svc := s.list[s.started]
		if s.down[s.started] {
			delete(s.down, s.started)
			continue
		}
		name := nameOf(svc)
		t0 := time.Now()
		err := svc.Stop(ctx)
		switch {
		case err == nil:
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
			s.log().Error("service did not stop in time", "service", name, "waited", time.Since(t0).Round(time.Millisecond))
			errs = append(errs, fmt.Errorf("service: stop %s: %w", name, err))
		default:
			s.log().Error("service failed to stop", "service", name, "err", err)
			errs = append(errs, fmt.Errorf("service: stop %s: %w", name, err))
		}
	}
	if s.watch != nil {
		if err := s.watch.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
		s.watch = nil
	}
	return errors.Join(errs...)
}

// Reset calls Reset on every service that has it, in order.
func (s *Services) Reset(ctx context.Context) {
	s.mu.Lock()
	list := append([]Service{}, s.list[:s.started]...)
	s.mu.Unlock()
	for _, svc := range list {
		if r, ok := svc.(Resetter); ok {
			r.Reset(ctx)
		}
	}
}

// Restart replaces every running service, in order: with Restart where a
// service has it, else Stop then Start.
func (s *Services) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for i := 0; i < s.started; i++ {
		svc := s.list[i]
		if s.down[i] {
			continue
		}
		if r, ok := svc.(Restarter); ok {
			if err := r.Restart(ctx); err != nil {
				errs = append(errs, fmt.Errorf("service: restart %s: %w", nameOf(svc), err))
			}
			continue
		}
		if err := svc.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("service: restart %s: stop: %w", nameOf(svc), err))
		}
		if err := svc.Start(ctx); err != nil {
			if s.down == nil {
				s.down = map[int]bool{}
			}
			s.down[i] = true
			errs = append(errs, fmt.Errorf("service: restart %s: start: %w", nameOf(svc), err))
		}
	}
	return errors.Join(errs...)
}

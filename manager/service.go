package manager

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/loopingcall"
	"github.com/goslo/goslo/reqctx"
)

// Service runs a manager as a service.Service (nova's service.Service
// without RPC): its hooks around start and stop, and its periodic tasks
// in a loop the service owns.
type Service struct {
	name string
	conf *config.Config
	m    Manager
	log  *slog.Logger

	mu   sync.Mutex
	loop *loopingcall.DynamicInterval
	done chan struct{}
}

// NewService returns the service of manager m, named name in logs (nova:
// the binary, "nova-compute"). It registers the periodic options. log nil
// means slog.Default().
func NewService(conf *config.Config, name string, m Manager, log *slog.Logger) (*Service, error) {
	if err := RegisterOptions(conf); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{name: name, conf: conf, m: m, log: log.With("logger", "goslo.manager")}, nil
}

// Name implements service.Named.
func (s *Service) Name() string { return s.name }

// Manager returns the manager.
func (s *Service) Manager() Manager { return s.m }

// Start runs the start-up hooks, then starts the periodic task loop.
func (s *Service) Start(ctx context.Context) error {
	if err := s.m.InitHost(ctx); err != nil {
		return fmt.Errorf("manager: init_host: %w", err)
	}
	if err := s.m.PreStartHook(ctx); err != nil {
		return fmt.Errorf("manager: pre_start_hook: %w", err)
	}
	if err := s.m.PostStartHook(ctx); err != nil {
		return fmt.Errorf("manager: post_start_hook: %w", err)
	}
	tasks := s.m.PeriodicTasks()
	if tasks == nil || !PeriodicEnable.Get(s.conf) {
		return nil
	}
	if err := tasks.SetConfig(PeriodicConfig(s.conf)); err != nil {
		return err
	}
	var delay time.Duration
	if fuzzy := PeriodicFuzzyDelay.Get(s.conf); fuzzy > 0 {
		delay = time.Duration(rand.IntN(fuzzy+1)) * time.Second
	}
	loop := &loopingcall.DynamicInterval{
		InitialDelay:    delay,
		MaxInterval:     time.Duration(PeriodicIntervalMax.Get(s.conf)) * time.Second,
		ContinueOnError: true,
		Name:            s.name + ".periodic_tasks",
		Logger:          s.log,
		Func: func(ctx context.Context) (time.Duration, error) {
			// nova runs the tasks with an admin request context.
			ctx = reqctx.With(ctx, reqctx.NewAdmin(false))
			idle, err := tasks.RunPeriodicTasks(ctx, false)
			if err != nil {
				return time.Second, err
			}
			return idle, nil
		},
	}
	// The loop is owned by the service: Stop stops it and waits for it.
	if err := loop.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	s.mu.Lock()
	s.loop = loop
	s.mu.Unlock()
	s.log.Debug("periodic tasks started", "service", s.name, "initial_delay", delay, "tasks", tasks.Names())
	return nil
}

// Stop stops the periodic loop, waits for a task in progress (until ctx is
// done), then runs CleanupHost.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	loop := s.loop
	s.loop = nil
	s.mu.Unlock()
	var errs []error
	if loop != nil {
		loop.Stop()
		waited := make(chan error, 1)
		go func() {
			_, err := loop.Wait()
			waited <- err
		}()
		select {
		case err := <-waited:
			if err != nil && !errors.Is(err, context.Canceled) {
				errs = append(errs, err)
			}
		case <-ctx.Done():
			return fmt.Errorf("manager: %s: a periodic task is still running: %w", s.name, ctx.Err())
		}
	}
	if err := s.m.CleanupHost(ctx); err != nil {
		errs = append(errs, fmt.Errorf("manager: cleanup_host: %w", err))
	}
	return errors.Join(errs...)
}

// Reset calls the manager's Reset and applies the (re)loaded options to
// the periodic tasks.
func (s *Service) Reset(ctx context.Context) {
	s.m.Reset(ctx)
	if tasks := s.m.PeriodicTasks(); tasks != nil {
		if err := tasks.SetConfig(PeriodicConfig(s.conf)); err != nil {
			s.log.Error("periodic options not applied", "err", err)
		}
	}
}

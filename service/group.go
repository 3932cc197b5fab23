package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/goslo/goslo/loopingcall"
)

// ErrQuiescing is returned by Group.Go once the group is stopping.
var ErrQuiescing = errors.New("service: group is stopping")

// Group owns goroutines (oslo's ThreadGroup): each runs a named task with
// a context that is cancelled when the group stops. Stop refuses new
// tasks, cancels the running ones, waits for them (naming the ones that
// outlive its deadline), then runs the closers in reverse order. A task
// that panics is logged with its stack and does not take the process down.
type Group struct {
	log *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	running   map[*task]struct{}
	wg        sync.WaitGroup
	quiescing bool
	closers   []func() error
	errs      []error
	stopOnce  sync.Once
	stopErr   error
	stopped   chan struct{}
}

type task struct{ name string }

// NewGroup returns a running group; log may be nil.
func NewGroup(log *slog.Logger) *Group {
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Group{log: log, ctx: ctx, cancel: cancel, running: map[*task]struct{}{}, stopped: make(chan struct{})}
}

// Go runs fn in a goroutine the group owns. fn should return when ctx is
// done. An error fn returns is logged and kept for Stop's result.
func (g *Group) Go(name string, fn func(ctx context.Context) error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.quiescing {
		return fmt.Errorf("%w: cannot start %s", ErrQuiescing, name)
	}
	t := &task{name: name}
	g.running[t] = struct{}{}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		err := g.run(t, fn)
		g.mu.Lock()
		delete(g.running, t)
		if err != nil && !errors.Is(err, context.Canceled) {
			g.errs = append(g.errs, fmt.Errorf("%s: %w", name, err))
		}
		g.mu.Unlock()
	}()
	return nil
}

func (g *Group) run(t *task, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			g.log.Error("task panicked", "task", t.name, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	err = fn(g.ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		g.log.Error("task failed", "task", t.name, "err", err)
	}
	return err
}

// AddCloser registers fn to run when the group stops, after every task has
// returned; closers run in reverse order of registration.
func (g *Group) AddCloser(fn func() error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closers = append(g.closers, fn)
}

// Running names the tasks still running, sorted.
func (g *Group) Running() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var names []string
	for t := range g.running {
		names = append(names, t.name)
	}
	sort.Strings(names)
	return names
}

// Context is cancelled when the group stops.
func (g *Group) Context() context.Context { return g.ctx }

// Done is closed when Stop has finished.
func (g *Group) Done() <-chan struct{} { return g.stopped }

// Stop cancels every task, waits for them until ctx is done, then runs the
// closers. It returns the tasks' errors joined, or, when ctx ended first,
// an error naming the tasks still running (they are still waited for in
// the background by nobody: the caller is about to exit). Stop is
// idempotent; later calls wait for the first and return its result.
func (g *Group) Stop(ctx context.Context) error {
	g.stopOnce.Do(func() {
		g.mu.Lock()
		g.quiescing = true
		g.mu.Unlock()
		g.cancel()
		done := make(chan struct{})
		go func() {
			g.wg.Wait()
			close(done)
		}()
		var errs []error
		select {
		case <-done:
		case <-ctx.Done():
			names := g.Running()
			g.log.Error("tasks did not stop in time", "tasks", names)
			errs = append(errs, fmt.Errorf("service: tasks still running: %v: %w", names, ctx.Err()))
		}
		g.mu.Lock()
		errs = append(errs, g.errs...)
		closers := g.closers
		g.mu.Unlock()
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil {
				errs = append(errs, err)
			}
		}
		g.stopErr = errors.Join(errs...)
		close(g.stopped)
	})
	<-g.stopped
	return g.stopErr
}

// AddTimer runs fn every interval after initialDelay, in a goroutine the
// group owns (oslo's ThreadGroup.add_timer: a FixedIntervalLoopingCall).
// An error fn returns is logged and the timer goes on; returning
// loopingcall.Done stops it.
func (g *Group) AddTimer(name string, interval, initialDelay time.Duration, fn func(ctx context.Context) error) error {
	loop := &loopingcall.FixedInterval{Interval: interval, InitialDelay: initialDelay,
		ContinueOnError: true, Func: fn, Name: name, Logger: g.log}
	return g.Go(name, func(ctx context.Context) error {
		_, err := loop.Run(ctx)
		return err
	})
}

// AddDynamicTimer runs fn again after the delay it returns, at most
// maxInterval (0: no cap), in a goroutine the group owns (oslo's
// ThreadGroup.add_dynamic_timer).
func (g *Group) AddDynamicTimer(name string, initialDelay, maxInterval time.Duration, fn func(ctx context.Context) (time.Duration, error)) error {
	loop := &loopingcall.DynamicInterval{InitialDelay: initialDelay, MaxInterval: maxInterval,
		ContinueOnError: true, Func: fn, Name: name, Logger: g.log}
	return g.Go(name, func(ctx context.Context) error {
		_, err := loop.Run(ctx)
		return err
	})
}

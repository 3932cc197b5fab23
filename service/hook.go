package service

import "context"

// Hook makes a Service of plain functions, as uber-go/fx's lifecycle hooks
// do: OnStart when services start, OnStop (in reverse order) when they
// stop, OnReset on SIGHUP after the configuration was reloaded or mutated,
// OnRestart when a reload restarts the services in one process. Any of
// them may be nil. A hook is not stopped and started again by a restart:
// it keeps running (a database pool, a log file) unless OnRestart says
// what to do. A log file that must be reopened on SIGHUP and
// closed last is a Hook:
//
//	service.Hook{Name: "log", OnReset: func(context.Context) { h.Reopen() },
//		OnStop: func(context.Context) error { return h.Close() }}
type Hook struct {
	Name      string
	OnStart   func(ctx context.Context) error
	OnStop    func(ctx context.Context) error
	OnReset   func(ctx context.Context)
	OnRestart func(ctx context.Context) error
}

// Start implements Service.
func (h Hook) Start(ctx context.Context) error {
	if h.OnStart == nil {
		return nil
	}
	return h.OnStart(ctx)
}

// Stop implements Service.
func (h Hook) Stop(ctx context.Context) error {
	if h.OnStop == nil {
		return nil
	}
	return h.OnStop(ctx)
}

// Reset implements Resetter.
func (h Hook) Reset(ctx context.Context) {
	if h.OnReset != nil {
		h.OnReset(ctx)
	}
}

// Restart implements Restarter: OnRestart, or nothing.
func (h Hook) Restart(ctx context.Context) error {
	if h.OnRestart == nil {
		return nil
	}
	return h.OnRestart(ctx)
}

// String names the hook in logs.
func (h Hook) String() string { return h.Name }

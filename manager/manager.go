package manager

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/periodic"
)

// Manager is what a service manages: nova's Manager. Embed Base to get
// no-op hooks and override the ones you need.
type Manager interface {
	// InitHost runs first at start-up, before the service serves
	// (init_host).
	InitHost(ctx context.Context) error
	// PreStartHook runs after InitHost, before the service starts taking
	// work (pre_start_hook).
	PreStartHook(ctx context.Context) error
	// PostStartHook runs once the service takes work (post_start_hook).
	PostStartHook(ctx context.Context) error
	// CleanupHost runs last when the service stops (cleanup_host).
	CleanupHost(ctx context.Context) error
	// Reset runs on SIGHUP, after the configuration was reloaded or
	// mutated (reset).
	Reset(ctx context.Context)
	// PeriodicTasks returns the manager's periodic tasks; nil means none.
	PeriodicTasks() *periodic.Tasks
}

// Base implements Manager with hooks that do nothing and no tasks.
type Base struct{}

// InitHost implements Manager.
func (Base) InitHost(context.Context) error { return nil }

// PreStartHook implements Manager.
func (Base) PreStartHook(context.Context) error { return nil }

// PostStartHook implements Manager.
func (Base) PostStartHook(context.Context) error { return nil }

// CleanupHost implements Manager.
func (Base) CleanupHost(context.Context) error { return nil }

// Reset implements Manager.
func (Base) Reset(context.Context) {}

// PeriodicTasks implements Manager.
func (Base) PeriodicTasks() *periodic.Tasks { return nil }

// Factory builds a manager from the configuration and deps, what the
// service hands every manager it builds (its database, its clients): the
// factory asserts the type it needs, and says so when it gets another.
type Factory func(conf *config.Config, deps any) (Manager, error)

var registry = struct {
	sync.Mutex
	m map[string]Factory
}{m: map[string]Factory{}}

// Register makes a manager available under name, the value a *_manager
// option holds (nova: "nova.compute.manager.ComputeManager"). It panics if
// the name is taken, as sql.Register does.
func Register(name string, f Factory) {
	registry.Lock()
	defer registry.Unlock()
	if f == nil {
		panic("manager: Register of a nil factory for " + name)
	}
	if _, dup := registry.m[name]; dup {
		panic("manager: Register called twice for " + name)
	}
	registry.m[name] = f
}

// Names lists the registered managers, sorted.
func Names() []string {
	registry.Lock()
	defer registry.Unlock()
	names := make([]string, 0, len(registry.m))
	for n := range registry.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the manager registered under name.
func New(name string, conf *config.Config, deps any) (Manager, error) {
	registry.Lock()
	f := registry.m[name]
	registry.Unlock()
	if f == nil {
		return nil, fmt.Errorf("manager: no manager registered as %q (have %v)", name, Names())
	}
	m, err := f(conf, deps)
	if err != nil {
		return nil, fmt.Errorf("manager: %s: %w", name, err)
	}
	return m, nil
}

// Opt declares a *_manager option (nova's compute_manager and the like)
// whose value names a registered manager.
func Opt(name, def, help string) *config.Opt[string] {
	return &config.Opt[string]{Name: name, Default: def, Help: help}
}

// FromOption builds the manager that the option names.
func FromOption(conf *config.Config, opt *config.Opt[string], deps any) (Manager, error) {
	name := opt.Get(conf)
	m, err := New(name, conf, deps)
	if err != nil {
		return nil, fmt.Errorf("manager: option %s: %w", opt.Name, err)
	}
	return m, nil
}

package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/examples/compute-api/store"
	"github.com/goslo/goslo/manager"
	"github.com/goslo/goslo/periodic"
	"github.com/goslo/goslo/service"
)

// Options of the compute manager.
var (
	BuildDelay = &config.Opt[int]{Name: "build_delay", Group: "compute", Default: 5, Mutable: true,
		Type: config.Integer{Min: new(0)},
		Help: "Seconds a new server stays in BUILD before the manager makes it ACTIVE (what a compute host would take to boot it)."}
	PurgeAge = &config.Opt[int]{Name: "purge_deleted_age", Group: "compute", Default: 86400, Mutable: true,
		Type: config.Integer{Min: new(0)},
		Help: "Seconds after which soft-deleted servers and flavors are purged from the database."}
	PurgeInterval = &config.Opt[int]{Name: "purge_interval", Group: "compute", Default: 600,
		Type: config.Integer{Min: new(1)},
		Help: "Seconds between two purges of soft-deleted rows. The purge runs once per interval across every instance of the service (a lease in the database decides which)."}
	ReportInterval = &config.Opt[int]{Name: "report_interval", Default: 10, Type: config.Integer{Min: new(1)},
		Help: "Seconds between two heartbeats of this service in the database (nova's report_interval)."}
	ServiceDownTime = &config.Opt[int]{Name: "service_down_time", Default: 60, Type: config.Integer{Min: new(1)},
		Help: "Seconds without a heartbeat after which a service is shown as down (nova's service_down_time)."}
	ComputeManagerOpt = manager.Opt("compute_manager", "compute.manager.ComputeManager",
		"Full class name for the manager of the compute API service.")
)

// Binary is the service's name in the heartbeat table.
const Binary = "compute-api"

// ComputeManager moves servers through their life and keeps the database
// tidy: its periodic tasks make new servers ACTIVE after build_delay,
// purge soft-deleted rows once per purge_interval across the whole
// cluster, and report this service's heartbeat.
type ComputeManager struct {
	manager.Base
	conf  *config.Config
	store *store.Store
	log   *slog.Logger
	tasks *periodic.Tasks
	owner string
	// heartbeat reports this service's state every report_interval on a
	// timer of its own, as nova's Service does: from the start, and
	// whatever periodic_enable and periodic_fuzzy_delay say.
	heartbeat *service.Group
}

func init() {
	manager.Register("compute.manager.ComputeManager", func(conf *config.Config, deps any) (manager.Manager, error) {
		st, ok := deps.(*store.Store)
		if !ok {
			return nil, fmt.Errorf("the compute manager needs the database (*store.Store), not %T", deps)
		}
		return NewComputeManager(conf, st, slog.Default())
	})
}

// NewComputeManager returns the manager of the service.
func NewComputeManager(conf *config.Config, st *store.Store, log *slog.Logger) (*ComputeManager, error) {
	m := &ComputeManager{conf: conf, store: st, log: log.With("logger", "compute.manager"),
		owner: fmt.Sprintf("%s:%d", Host.Get(conf), os.Getpid())}
	tasks, err := periodic.New("ComputeManager", periodic.DefaultConfig(), log.With("logger", "oslo_service.periodic_task"),
		periodic.Task{Name: "_activate_built_servers", Spacing: time.Second, RunImmediately: true, Func: m.activateBuilt},
		periodic.Task{Name: "_purge_deleted_rows", Spacing: time.Duration(PurgeInterval.Get(conf)) * time.Second,
			RunImmediately: true, Func: m.purgeDeleted},
	)
	if err != nil {
		return nil, err
	}
	m.tasks = tasks
	return m, nil
}

// NewManagerService builds the manager that compute_manager names and
// makes it a service.
func NewManagerService(conf *config.Config, st *store.Store) (*manager.Service, error) {
	m, err := manager.FromOption(conf, ComputeManagerOpt, st)
	if err != nil {
		return nil, err
	}
	return manager.NewService(conf, Binary, m, slog.Default())
}

// PeriodicTasks implements manager.Manager.
func (m *ComputeManager) PeriodicTasks() *periodic.Tasks { return m.tasks }

// InitHost registers this service in the heartbeat table.
func (m *ComputeManager) InitHost(ctx context.Context) error {
	_, err := m.store.DB.RegisterService(ctx, Host.Get(m.conf), Binary, "compute")
	return err
}

// PostStartHook starts the heartbeat.
func (m *ComputeManager) PostStartHook(ctx context.Context) error {
	m.heartbeat = service.NewGroup(m.log)
	return m.heartbeat.AddTimer("report_state", time.Duration(ReportInterval.Get(m.conf))*time.Second, 0, m.reportState)
}

// CleanupHost stops the heartbeat.
func (m *ComputeManager) CleanupHost(ctx context.Context) error {
	if m.heartbeat == nil {
		return nil
	}
	return m.heartbeat.Stop(ctx)
}

func (m *ComputeManager) activateBuilt(ctx context.Context) error {
	cutoff := time.Now().UTC().Add(-time.Duration(BuildDelay.Get(m.conf)) * time.Second)
	n, err := m.store.ActivateBuilt(ctx, cutoff)
	if n > 0 {
		m.log.InfoContext(ctx, fmt.Sprintf("%d servers are now ACTIVE", n))
	}
	return err
}

// purgeDeleted runs once per purge_interval across every instance: the
// instance that holds the lease purges, the others skip. The lease lasts
// one and a half intervals, so when its holder dies another instance
// takes over at its next run.
func (m *ComputeManager) purgeDeleted(ctx context.Context) error {
	interval := time.Duration(PurgeInterval.Get(m.conf)) * time.Second
	lease := m.store.DB.Lease("compute._purge_deleted_rows", m.owner, interval*3/2)
	info, err := lease.Acquire(ctx)
	if err != nil {
		return err
	}
	if !info.Held {
		m.log.DebugContext(ctx, "purge left to the lease holder", "holder", info.Owner)
		return nil
	}
	n, err := m.store.PurgeDeleted(ctx, time.Duration(PurgeAge.Get(m.conf))*time.Second)
	m.log.InfoContext(ctx, fmt.Sprintf("purged %d soft-deleted rows", n), "lease_token", info.Token)
	return err
}

func (m *ComputeManager) reportState(ctx context.Context) error {
	_, err := m.store.DB.ReportState(ctx, Host.Get(m.conf), Binary, "compute")
	return err
}

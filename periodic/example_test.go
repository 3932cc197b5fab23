package periodic_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/goslo/goslo/loopingcall"
	"github.com/goslo/goslo/periodic"
)

// ComputeManager is a nova-like manager: its periodic tasks are methods,
// declared once each where the manager is built.
type ComputeManager struct {
	tasks  *periodic.Tasks
	healed int
}

func NewComputeManager(conf periodic.Config, logger *slog.Logger) (*ComputeManager, error) {
	m := &ComputeManager{}
	var err error
	m.tasks, err = periodic.New("ComputeManager", conf, logger,
		periodic.Task{Name: "_heal_instance_info_cache", Spacing: 10 * time.Millisecond, RunImmediately: true, Func: m.healInstanceInfoCache},
		periodic.Task{Name: "_cleanup_running_deleted_instances", Spacing: time.Hour, Func: m.cleanupRunningDeleted},
		periodic.Task{Name: "_sync_power_states", Spacing: -1, Func: m.syncPowerStates}, // disabled
		periodic.Task{Name: "_run_image_cache_manager_pass", ExternalProcessOK: true, Func: m.imageCachePass},
	)
	return m, err
}

func (m *ComputeManager) healInstanceInfoCache(ctx context.Context) error { m.healed++; return nil }
func (m *ComputeManager) cleanupRunningDeleted(ctx context.Context) error { return nil }
func (m *ComputeManager) syncPowerStates(ctx context.Context) error       { return nil }
func (m *ComputeManager) imageCachePass(ctx context.Context) error        { return nil }

// A manager's tasks run by a dynamic interval loop, as nova's service does:
// the loop sleeps the idle time RunPeriodicTasks returns, capped at
// periodic_interval_max.
func Example() {
	conf := periodic.DefaultConfig()
	m, err := NewComputeManager(conf, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.tasks.Names())

	loop := &loopingcall.DynamicInterval{
		MaxInterval: conf.IntervalMax,
		Func: func(ctx context.Context) (time.Duration, error) {
			idle, err := m.tasks.RunPeriodicTasks(ctx, false)
			if m.healed == 3 {
				return 0, loopingcall.Done(nil)
			}
			return idle, err
		},
	}
	if err := loop.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	_, err = loop.Wait()
	fmt.Println(m.healed, err)
	// Output:
	// [_heal_instance_info_cache _cleanup_running_deleted_instances _run_image_cache_manager_pass]
	// 3 <nil>
}

// Each call runs the tasks that are due and says how long to idle.
func ExampleTasks_RunPeriodicTasks() {
	p, err := periodic.New("Manager", periodic.DefaultConfig(), slog.New(slog.DiscardHandler),
		periodic.Task{Name: "report", Spacing: 10 * time.Second, RunImmediately: true, Func: func(ctx context.Context) error {
			fmt.Println("report")
			return nil
		}},
		periodic.Task{Name: "purge", Spacing: time.Minute, Func: func(ctx context.Context) error { return nil }},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	idle, err := p.RunPeriodicTasks(context.Background(), false)
	fmt.Println(idle.Round(time.Second), err)
	// Output:
	// report
	// 10s <nil>
}

// Options that leave a task to an external process, and a bad option.
func ExampleConfig_Validate() {
	conf := periodic.DefaultConfig()
	conf.RunExternalPeriodicTasks = false // [DEFAULT] run_external_periodic_tasks = false
	fmt.Println(conf.Validate())
	conf.IntervalMax = -time.Second
	fmt.Println(conf.Validate())
	// Output:
	// <nil>
	// periodic: option periodic_interval_max: -1s is negative
}

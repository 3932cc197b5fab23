package periodic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/oracle.golden.json from oslo.service (needs /usr/bin/python3)")

type scenarioTask struct {
	Name              string
	Spacing           float64
	RunImmediately    bool  `json:"run_immediately"`
	ExternalProcessOK bool  `json:"external_process_ok"`
	Enabled           *bool `json:"enabled"`
	Fail              []int
}

type scenario struct {
	Name        string
	Random      float64
	RunExternal *bool `json:"run_external"`
	Tasks       []scenarioTask
	Calls       []struct {
		At    float64
		Raise bool
	}
}

type oracleCall struct {
	At      float64
	Idle    *float64
	Raised  *string
	Ran     []string
	LastRun map[string]*float64 `json:"last_run"`
}

type oracleScenario struct {
	Name  string
	Tasks []string
	Calls []oracleCall
}

var oracle struct {
	once sync.Once
	out  []byte
	skip string
	err  error
}

// runOracle runs testdata/oracle.py once per test binary (go test -count
// reuses the answer), or skips when /usr/bin/python3 cannot import
// oslo.service.
func runOracle(t *testing.T) []byte {
	t.Helper()
	oracle.once.Do(func() {
		const py = "/usr/bin/python3"
		var stderr bytes.Buffer
		cmd := exec.Command(py, "oracle.py", "scenarios.json")
		cmd.Dir = "testdata"
		cmd.Stderr = &stderr
		oracle.out, oracle.err = cmd.Output()
		switch {
		case errors.Is(oracle.err, exec.ErrNotFound) || errors.Is(oracle.err, fs.ErrNotExist):
			oracle.skip = fmt.Sprintf("oslo.service oracle unavailable: %v", oracle.err)
		case oracle.err != nil && strings.Contains(stderr.String(), "ModuleNotFoundError"):
			oracle.skip = fmt.Sprintf("oslo.service oracle unavailable: %s cannot import it: %s", py, lastLine(stderr.String()))
		case oracle.err != nil:
			oracle.err = fmt.Errorf("testdata/oracle.py: %w\n%s", oracle.err, stderr.String())
		}
	})
	if oracle.skip != "" {
		t.Skip(oracle.skip)
	}
	if oracle.err != nil {
		t.Fatal(oracle.err)
	}
	return oracle.out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestOracleGoldenIsCurrent(t *testing.T) {
	golden, err := os.ReadFile("testdata/oracle.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(runOracle(t), golden) {
		t.Error("oslo.service answers differently from testdata/oracle.golden.json; run go test -update and review")
	}
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func near(got time.Duration, want float64) bool {
	d := got - secs(want)
	return d > -time.Microsecond && d < time.Microsecond
}

// TestRunPeriodicTasksAgainstOslo replays each scenario on goslo, calling
// RunPeriodicTasks directly at the same (fake) times as the oracle called
// oslo's run_periodic_tasks, and compares what ran, what was raised, each
// task's boundary (last_run) and the idle time.
func TestRunPeriodicTasksAgainstOslo(t *testing.T) {
	if *update {
		if err := os.WriteFile("testdata/oracle.golden.json", runOracle(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile("testdata/scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []scenario
	if err := json.Unmarshal(raw, &scenarios); err != nil {
		t.Fatalf("testdata/scenarios.json: %v", err)
	}
	raw, err = os.ReadFile("testdata/oracle.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []oracleScenario
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("testdata/oracle.golden.json: %v", err)
	}
	if len(want) != len(scenarios) {
		t.Fatal("testdata/oracle.golden.json is stale: run go test -update")
	}
	for i, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { replay(t, sc, want[i]) })
		})
	}
}

var errBoom = errors.New("boom")

func replay(t *testing.T, sc scenario, want oracleScenario) {
	conf := Config{RunExternalPeriodicTasks: sc.RunExternal == nil || *sc.RunExternal}
	call := -1
	var ran []string
	var tasks []Task
	for _, st := range sc.Tasks {
		tasks = append(tasks, Task{
			Name:              st.Name,
			Spacing:           secs(st.Spacing),
			RunImmediately:    st.RunImmediately,
			ExternalProcessOK: st.ExternalProcessOK,
			Disabled:          st.Enabled != nil && !*st.Enabled,
			Func: func(context.Context) error {
				ran = append(ran, st.Name)
				if slices.Contains(st.Fail, call) {
					return fmt.Errorf("%s: %w", st.Name, errBoom)
				}
				return nil
			},
		})
	}
	p, err := New("Mgr", conf, discard(), tasks...)
	if err != nil {
		t.Fatal(err)
	}
	p.random = func() float64 { return sc.Random }
	if diff := cmp.Diff(want.Tasks, p.Names(), cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })); diff != "" {
		t.Errorf("tasks kept (-oslo +goslo):\n%s", diff)
	}
	start := time.Now()
	for i, c := range sc.Calls {
		call = i
		ran = nil
		time.Sleep(time.Until(start.Add(secs(c.At))))
		idle, err := p.RunPeriodicTasks(t.Context(), c.Raise)
		exp := want.Calls[i]
		at := fmt.Sprintf("call %d at %vs", i, c.At)
		if !slices.Equal(ran, exp.Ran) && len(ran)+len(exp.Ran) > 0 {
			t.Errorf("%s: ran %v, oslo ran %v", at, ran, exp.Ran)
		}
		if (err != nil) != (exp.Raised != nil) || err != nil && !errors.Is(err, errBoom) {
			t.Errorf("%s: error %v, oslo raised %v", at, err, exp.Raised)
		}
		if err != nil && err.Error() != "periodic: Mgr."+*exp.Raised+": "+*exp.Raised+": boom" {
			t.Errorf("%s: error %q", at, err)
		}
		// Boundaries: oslo's last_run, relative to the first call.
		for _, e := range p.entries {
			w, ok := exp.LastRun[e.task.Name]
			switch {
			case !ok:
				t.Errorf("%s: task %s unknown to oslo", at, e.task.Name)
			case w == nil:
				if !e.pending {
					t.Errorf("%s: %s has run (boundary %v), oslo's last_run is None", at, e.task.Name, e.lastRun.Sub(start))
				}
			case e.pending || !near(e.lastRun.Sub(start), *w):
				t.Errorf("%s: %s boundary %v (pending %v), oslo %vs", at, e.task.Name, e.lastRun.Sub(start), e.pending, *w)
			}
		}
		if exp.Idle == nil {
			continue
		}
		// oslo counts a task that just ran as due again a full spacing
		// from now; goslo counts from its boundary (see RunPeriodicTasks).
		// Apart from that the idle time is oslo's.
		wantIdle := secs(*exp.Idle)
		for _, e := range p.entries {
			if slices.Contains(ran, e.task.Name) {
				wantIdle = min(wantIdle, max(0, time.Until(e.lastRun.Add(e.task.Spacing))))
			}
		}
		if d := idle - wantIdle; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%s: idle %v, want %v (oslo %vs)", at, idle, wantIdle, *exp.Idle)
		}
	}
}

package loopingcall

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
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/oracle.golden.json from oslo.service (needs /usr/bin/python3)")

type backOffScenario struct {
	Name                   string
	Starting, Timeout, Max float64
	Min, Jitter            float64
	Gauss                  []float64
	Results                []bool
}

type retryScenario struct {
	Name          string
	MaxRetryCount int `json:"max_retry_count"`
	Inc           float64
	MaxSleep      float64 `json:"max_sleep"`
	Outcomes      []string
}

type oracleOut struct {
	BackOff []struct {
		Name   string
		Sleeps []float64
		End    string
	} `json:"backoff"`
	Retry []struct {
		Name   string
		Calls  int
		Sleeps []float64
		End    string
	} `json:"retry"`
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

func loadOracle(t *testing.T) (backOff []backOffScenario, retry []retryScenario, want oracleOut) {
	t.Helper()
	if *update {
		if err := os.WriteFile("testdata/oracle.golden.json", runOracle(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile("testdata/scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		BackOff []backOffScenario `json:"backoff"`
		Retry   []retryScenario   `json:"retry"`
	}
	if err := json.Unmarshal(raw, &sc); err != nil {
		t.Fatalf("testdata/scenarios.json: %v", err)
	}
	golden, err := os.ReadFile("testdata/oracle.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(golden, &want); err != nil {
		t.Fatalf("testdata/oracle.golden.json: %v", err)
	}
	if len(want.BackOff) != len(sc.BackOff) || len(want.Retry) != len(sc.Retry) {
		t.Fatal("testdata/oracle.golden.json is stale: run go test -update")
	}
	return sc.BackOff, sc.Retry, want
}

// TestOracleGoldenIsCurrent re-runs the oracle and checks the saved answers.
func TestOracleGoldenIsCurrent(t *testing.T) {
	live := runOracle(t)
	golden, err := os.ReadFile("testdata/oracle.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(live, golden) {
		t.Errorf("oslo.service answers differently from testdata/oracle.golden.json; run go test -update and review")
	}
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// closeEnough allows the float seconds of Python against Go's integer
// nanoseconds.
func closeEnough(got, want time.Duration) bool {
	d := got - want
	return d > -time.Microsecond && d < time.Microsecond
}

func sleepsMatch(t *testing.T, got []time.Duration, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("sleeps %v, oslo %v", got, want)
		return
	}
	for i := range got {
		if !closeEnough(got[i], secs(want[i])) {
			t.Errorf("sleep %d = %v, oslo %vs (all: %v, oslo %v)", i, got[i], want[i], got, want)
		}
	}
}

// diffs turns call times into the sleeps between calls (calls take no
// time on the bubble's clock).
func diffs(times []time.Time) []time.Duration {
	out := []time.Duration{}
	for i := 1; i < len(times); i++ {
		out = append(out, times[i].Sub(times[i-1]))
	}
	return out
}

func TestBackOffAgainstOslo(t *testing.T) {
	scenarios, _, want := loadOracle(t)
	for i, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				exp := want.BackOff[i]
				timeout := secs(sc.Timeout)
				if sc.Timeout == 0 {
					timeout = -1 // oslo's timeout=0: none
				}
				draws := 0
				var calls []time.Time
				results := sc.Results
				b := &BackOff{
					StartingInterval: secs(sc.Starting),
					Timeout:          timeout,
					MaxInterval:      secs(sc.Max),
					MinInterval:      secs(sc.Min),
					Jitter:           sc.Jitter,
					Logger:           discard(),
					gauss: func(mean, stddev float64) float64 {
						if mean != sc.Jitter || stddev != 0.1 {
							t.Errorf("gauss(%v, %v), want gauss(%v, 0.1)", mean, stddev, sc.Jitter)
						}
						v := sc.Gauss[draws%len(sc.Gauss)]
						draws++
						return v
					},
					Func: func(context.Context) (bool, error) {
						calls = append(calls, time.Now())
						if len(results) == 0 {
							return false, Done("end")
						}
						r := results[0]
						results = results[1:]
						return r, nil
					},
				}
				if err := b.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				v, err := b.Wait()
				var end string
				switch {
				case err == nil:
					end = fmt.Sprintf("done:%v", v)
				case errors.Is(err, ErrTimeout):
					_, after, _ := strings.Cut(err.Error(), "looping call ")
					end = "timeout:Looping call " + after
				default:
					end = "error:" + err.Error()
				}
				if end != exp.End {
					t.Errorf("ended with %q, oslo %q", end, exp.End)
				}
				// After a timeout oslo slept once less than it called.
				sleepsMatch(t, diffs(calls), exp.Sleeps[:min(len(exp.Sleeps), max(len(calls)-1, 0))])
				if len(calls)-1 != len(exp.Sleeps) && !strings.HasPrefix(exp.End, "timeout") {
					t.Errorf("%d calls, oslo slept %d times", len(calls), len(exp.Sleeps))
				}
			})
		})
	}
}

var errRetryable = errors.New("retryable")

type otherError struct{}

func (otherError) Error() string { return "other" }

func TestRetryAgainstOslo(t *testing.T) {
	_, scenarios, want := loadOracle(t)
	for i, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				exp := want.Retry[i]
				outcomes := sc.Outcomes
				var calls []time.Time
				r := Retrying{
					MaxRetryCount: sc.MaxRetryCount,
					IncSleepTime:  secs(sc.Inc),
					MaxSleepTime:  secs(sc.MaxSleep),
					Retryable:     []error{errRetryable},
					Logger:        discard(),
				}
				v, err := Retry(t.Context(), r, func(context.Context) (string, error) {
					calls = append(calls, time.Now())
					o := "retryable"
					if len(outcomes) > 0 {
						o, outcomes = outcomes[0], outcomes[1:]
					}
					switch o {
					case "retryable":
						return "", fmt.Errorf("wrapped: %w", errRetryable)
					case "other":
						return "", otherError{}
					}
					return o, nil
				})
				var end string
				switch {
				case err == nil:
					end = "ok:" + v
				case errors.Is(err, errRetryable):
					end = "retryable"
				case errors.As(err, new(otherError)):
					end = "other"
				default:
					end = "error:" + err.Error()
				}
				if end != exp.End || len(calls) != exp.Calls {
					t.Errorf("ended with %q after %d calls, oslo %q after %d", end, len(calls), exp.End, exp.Calls)
				}
				sleepsMatch(t, diffs(calls), exp.Sleeps)
			})
		})
	}
}

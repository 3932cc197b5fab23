package db_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goslo/goslo/db/internal/testmodel"
)

// TestNoLostUpdateGoroutines: goroutines load, increment and save one
// counter; every increment is in the final value.
func TestNoLostUpdateGoroutines(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _ := synced(t, b)
		c := newCounter(t, d, "shared", 0)
		const workers, each = 8, 25
		var conflicts atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					if err := testmodel.Increment(ctx, d, key(c), &conflicts); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if v := counterValue(t, d, key(c)); v != workers*each {
			t.Errorf("value %d, want %d: updates were lost", v, workers*each)
		}
		t.Logf("%d increments, %d conflicts retried", workers*each, conflicts.Load())
	})
}

// TestNoLostUpdateProcesses: several processes (each with goroutines of
// its own) increment one counter; every increment is in the final value.
func TestNoLostUpdateProcesses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		d, url := synced(t, b)
		bin := worker(t)
		c := newCounter(t, d, "shared", 0)
		const procs, workers, each = 4, 2, 25
		var wg sync.WaitGroup
		results := make([]map[string]int64, procs)
		errs := make([]error, procs)
		for i := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(bin, "increment", "-url", url, "-id", strconv.FormatInt(key(c), 10),
					"-n", strconv.Itoa(each), "-workers", strconv.Itoa(workers))
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					errs[i] = fmt.Errorf("worker %d: %v: %s", i, err, stderr.String())
					return
				}
				errs[i] = json.Unmarshal(out, &results[i])
			}()
		}
		wg.Wait()
		var done, conflicts int64
		for i := range procs {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			done += results[i]["increments"]
			conflicts += results[i]["conflicts"]
		}
		if done != procs*workers*each {
			t.Fatalf("workers report %d increments", done)
		}
		if v := counterValue(t, d, key(c)); v != done {
			t.Errorf("value %d, want %d: updates were lost", v, done)
		}
		t.Logf("%d processes × %d goroutines: %d increments, %d conflicts retried", procs, workers, done, conflicts)
	})
}

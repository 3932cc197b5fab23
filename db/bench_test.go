package db_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/internal/testmodel"
	"github.com/goslo/goslo/objects"
)

// workload runs n operations of one kind with the given number of
// workers and returns the conflicts retried:
//
//	create         Model.Create of a new counter
//	load           Model.Get of one of 100 counters
//	update         load, increment, Model.Update: each worker its own counter
//	update-shared  the same, every worker on one counter (conflicts)
//
// For the updates it checks, after the run, that the counters hold every
// increment: no update lost.
func workload(tb testing.TB, d *db.DB, op string, n, workers int, seq *atomic.Int64) (conflicts int64, elapsed time.Duration) {
	tb.Helper()
	var ids []int64
	switch op {
	case "load":
		for i := range 100 {
			ids = append(ids, key(newCounter(tb, d, fmt.Sprintf("load-%d-%d", seq.Add(1), i), 0)))
		}
	case "update":
		for w := range workers {
			ids = append(ids, key(newCounter(tb, d, fmt.Sprintf("own-%d-%d", seq.Add(1), w), 0)))
		}
	case "update-shared":
		ids = append(ids, key(newCounter(tb, d, fmt.Sprintf("shared-%d", seq.Add(1)), 0)))
	}
	var conf atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	for w := range workers {
		count := n/workers + btoi(w < n%workers)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range count {
				var err error
				switch op {
				case "create":
					c := testmodel.Counter.New()
					c.Set("name", "c-"+strconv.FormatInt(seq.Add(1), 10))
					c.Set("value", int64(0))
					err = testmodel.Counters.Create(ctx, d, c)
				case "load":
					_, err = testmodel.Counters.Get(ctx, d, ids[(w*count+i)%len(ids)])
				case "update":
					err = testmodel.Increment(ctx, d, ids[w], &conf)
				case "update-shared":
					err = testmodel.Increment(ctx, d, ids[0], &conf)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed = time.Since(start)
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	if op == "update" || op == "update-shared" {
		var total int64
		for _, id := range ids {
			total += counterValue(tb, d, id)
		}
		if total != int64(n) {
			tb.Fatalf("%d increments made, %d in the counters: updates were lost", n, total)
		}
	}
	return conf.Load(), elapsed
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkSaves measures saves and loads of objects per second on both
// backends with 1, 4 and 16 concurrent workers; the update workloads fail
// if an increment is missing afterwards (no lost update), and report the
// conflicts that were retried.
func BenchmarkSaves(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			d, _ := synced(b, be)
			var seq atomic.Int64
			for _, op := range []string{"create", "load", "update", "update-shared"} {
				for _, workers := range []int{1, 4, 16} {
					b.Run(fmt.Sprintf("%s/workers=%d", op, workers), func(b *testing.B) {
						b.ReportAllocs()
						b.ResetTimer()
						conflicts, elapsed := workload(b, d, op, b.N, workers, &seq)
						b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
						b.ReportMetric(float64(conflicts)/float64(b.N), "conflicts/op")
						b.ReportMetric(0, "lost")
					})
				}
			}
		})
	}
}

// BenchmarkVsOsloDB runs the same workloads (create, load, update with 4
// workers, 2000 operations) in Go and in oslo.db + SQLAlchemy
// (testdata/oracle/bench.py, threads) on SQLite files in WAL mode, with
// sqlite_synchronous on and off, and reports both rates and their ratio.
// Run it with -benchtime 1x.
func BenchmarkVsOsloDB(b *testing.B) {
	needPython(b, "oslo_db.sqlalchemy.enginefacade")
	const n, workers = 2000, 4
	for _, sync := range []bool{true, false} {
		for _, op := range []string{"create", "load", "update"} {
			b.Run(fmt.Sprintf("%s/sync=%v", op, sync), func(b *testing.B) {
				var goRate, pyRate float64
				for range b.N {
					dir := b.TempDir()
					o := testOptions("sqlite:///" + filepath.Join(dir, "go.db"))
					o.SQLiteSynchronous = sync
					d := openWith(b, o)
					if _, err := d.Sync(ctx, testmodel.Migrations, 0); err != nil {
						b.Fatal(err)
					}
					var seq atomic.Int64
					_, elapsed := workload(b, d, op, n, workers, &seq)
					goRate = n / elapsed.Seconds()

					out, err := exec.Command(pythonPath, "testdata/oracle/bench.py", filepath.Join(dir, "py.db"), op,
						strconv.Itoa(n), strconv.Itoa(workers), map[bool]string{true: "1", false: "0"}[sync]).Output()
					if err != nil {
						b.Fatalf("bench.py: %v", err)
					}
					var py struct {
						Ops     int
						Seconds float64
						Lost    int
					}
					if err := json.Unmarshal(out, &py); err != nil {
						b.Fatal(err)
					}
					if py.Lost != 0 {
						b.Errorf("oslo.db lost %d updates", py.Lost)
					}
					pyRate = float64(py.Ops) / py.Seconds
				}
				b.ReportMetric(goRate, "go-ops/s")
				b.ReportMetric(pyRate, "oslo-ops/s")
				b.ReportMetric(goRate/pyRate, "ratio")
			})
		}
	}
}

// BenchmarkModelRoundTrip is the cost of the mapping itself: a widget
// with every field type created and loaded on in-memory SQLite.
func BenchmarkModelRoundTrip(b *testing.B) {
	d := open(b, "sqlite://")
	if _, err := d.Sync(ctx, testmodel.Migrations, 0); err != nil {
		b.Fatal(err)
	}
	w := fullWidget(b, "bench")
	if err := testmodel.Widgets.Create(ctx, d, w); err != nil {
		b.Fatal(err)
	}
	id, _ := objects.Get[int64](w, "id")
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := testmodel.Widgets.Get(ctx, d, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			w := fullWidget(b, "bench")
			if err := testmodel.Widgets.Create(ctx, d, w); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkList is an API's list call: ten counters after a marker, on a
// SQLite file (the example service's default) and on PostgreSQL.
func BenchmarkList(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			d, _ := synced(b, be)
			var ids []int64
			for i := range 50 {
				ids = append(ids, key(newCounter(b, d, fmt.Sprintf("list-%02d", i), int64(i))))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				l, err := testmodel.Counters.List(ctx, d, db.ListOptions{Limit: 10, Marker: ids[i%30]})
				if err != nil || len(l) != 10 {
					b.Fatal(len(l), err)
				}
			}
		})
	}
}

package soak

import (
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestKillWorker kills one of two workers with SIGKILL under load. The
// parent keeps the listening socket and starts a new worker at once;
// only the requests in flight on the dead worker may fail (at most one
// per client, as each client has one request out at a time), no
// connection is refused, and no acknowledged create is lost (SQLite
// rolls back the dead worker's unfinished transaction). oslo.service
// fails the requests of every keep-alive connection the worker held
// (pyref: about 50 in 10 s of wrk).
func TestKillWorker(t *testing.T) {
	t.Parallel()
	s := startService(t, config{workers: 2, method: "mutate", buildDelay: 3600}, "")
	l := startLoad(t, s.addr, "kill", *flagClients)
	l.waitOK(*flagSettle)
	var respawn []time.Duration
	for round := 1; round <= *flagRounds; round++ {
		var pids []int
		s.waitFor(time.Minute, "two workers", func() bool { pids = s.workers(); return len(pids) == 2 })
		victim := pids[round%2]
		failed := l.failed.Load()
		t0 := time.Now()
		if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		var next int
		s.waitFor(time.Minute, "a new worker", func() bool {
			for _, p := range s.workers() {
				if !slices.Contains(pids, p) {
					next = p
				}
			}
			return next != 0
		})
		respawn = append(respawn, time.Since(t0).Round(time.Millisecond))
		s.waitLog(1, fmt.Sprintf("Child %d killed by signal 9", victim))
		s.waitLog(1, fmt.Sprintf("compute-api 0.1.0 starting pid=%d", next))
		l.waitOK(*flagSettle)
		if n := l.failed.Load() - failed; n > int64(*flagClients) {
			t.Errorf("kill %d: %d requests failed, more than the %d clients had in flight", round, n, *flagClients)
		}
	}
	r := l.finish()
	r.note = fmt.Sprintf("new worker started %v after each kill", respawn)
	l.verify(s.addr, &r, nil)
	if r.refused > 0 {
		t.Errorf("%d connections were refused", r.refused)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
}

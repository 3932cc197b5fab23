package soak

import (
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestSIGHUP sends SIGHUP under load, with restart_method reload (the
// workers, or the server of a single process, are replaced) and mutate
// (the mutable options change in place), after changing [compute]
// build_delay, which is mutable: a server made before the signal must
// then become ACTIVE. Each round also changes [compute] purge_interval,
// which is not: mutate leaves it and warns in every process, as oslo
// does. oslo.service drops every keep-alive connection on a reload
// (pyref: about 150 failed requests in 20 s of wrk); the goal here is
// none failed and none lost.
func TestSIGHUP(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"reload", "mutate"} {
		for _, workers := range []int{2, 1} {
			t.Run(fmt.Sprintf("%s/workers=%d", method, workers), func(t *testing.T) {
				t.Parallel()
				testSIGHUP(t, method, workers)
			})
		}
	}
}

func testSIGHUP(t *testing.T, method string, workers int) {
	cfg := config{workers: workers, method: method, buildDelay: 3600, purge: 600}
	s := startService(t, cfg, "")
	l := startLoad(t, s.addr, "hup", *flagClients)
	l.waitOK(*flagSettle)
	for round := 1; round <= *flagRounds; round++ {
		// build_delay goes 3600 -> 0 -> 3600 ...; the first time, a server
		// made before the signal turns ACTIVE once the change is applied.
		// (Later, the servers the load made meanwhile are still to
		// activate, one transaction each, and the log is the evidence.)
		from := cfg.buildDelay
		cfg.buildDelay = 3600 - from
		cfg.purge = 600 + round // never the value mutate keeps: a warning each round
		probe := ""
		if round == 1 {
			var err error
			if probe, err = createServer(s.addr, fmt.Sprintf("probe-%d", round)); err != nil {
				t.Fatal(err)
			}
		}
		old := s.workers()
		s.writeConfig(cfg)
		t0 := time.Now()
		s.signal(syscall.SIGHUP)
		switch {
		case method == "mutate":
			// The parent and every worker log the change.
			procs := 1
			if workers > 1 {
				procs += workers
			}
			s.waitLog(procs*((round+1)/2), fmt.Sprintf("Option compute.build_delay changed from [%d] to [%d]", from, cfg.buildDelay))
			s.waitLog(procs*round, "Ignoring change to immutable option compute.purge_interval")
			if now := s.workers(); !slices.Equal(now, old) {
				t.Errorf("mutate replaced the workers: %v -> %v", old, now)
			}
		case workers > 1:
			s.waitLog(round, "Reload done")
			s.waitFor(time.Minute, "new workers", func() bool {
				now := s.workers()
				return len(now) == workers && !slices.ContainsFunc(now, func(p int) bool { return slices.Contains(old, p) })
			})
		}
		if probe != "" {
			s.waitActive(probe)
		}
		t.Logf("round %d: build_delay %d -> %d applied %v after SIGHUP", round, from, cfg.buildDelay, time.Since(t0).Round(time.Millisecond))
		l.waitOK(*flagSettle)
	}
	r := l.finish()
	l.verify(s.addr, &r, nil)
	expectNoFailure(t, l, r)
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
}

// waitActive waits until the server id is ACTIVE.
func (s *service) waitActive(id string) {
	s.t.Helper()
	s.waitFor(3*time.Minute, "the probe server to become ACTIVE", func() bool {
		st, err := serverStatus(s.addr, id)
		if err != nil {
			s.t.Fatalf("reading the probe server: %v", err)
		}
		return st == "ACTIVE"
	})
}

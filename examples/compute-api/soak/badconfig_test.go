package soak

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBadConfigSIGHUP breaks the configuration file, sends SIGHUP under
// load, and checks that the service goes on serving with the
// configuration it had, logs why (naming the file and line), and
// applies the next good file on the next SIGHUP. With restart_method
// mutate, oslo.service dies on such a file (pyref: every request after it
// refused); with reload it survives but still restarts its workers.
//
// The broken file sets build_delay = 0 before its error: had any of it
// been applied, a server in BUILD would turn ACTIVE. The test lets the
// activation task run in every process after the error (seen in the
// debug log) and checks that it did not.
func TestBadConfigSIGHUP(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"reload", "mutate"} {
		for _, workers := range []int{2, 1} {
			t.Run(fmt.Sprintf("%s/workers=%d", method, workers), func(t *testing.T) {
				t.Parallel()
				testBadConfig(t, method, workers)
			})
		}
	}
}

const activateTask = "Running periodic task ComputeManager._activate_built_servers"

func testBadConfig(t *testing.T, method string, workers int) {
	cfg := config{workers: workers, method: method, buildDelay: 3600, debug: true}
	s := startService(t, cfg, "")
	l := startLoad(t, s.addr, "badconf", *flagClients)
	l.waitOK(*flagSettle)
	for round := 1; round <= *flagRounds; round++ {
		var old []int
		s.waitFor(time.Minute, "the workers of the last reload alone", func() bool {
			old = s.workers()
			return len(old) == workers
		})
		probe, err := createServer(s.addr, fmt.Sprintf("probe-%d", round))
		if err != nil {
			t.Fatal(err)
		}
		good := cfg
		good.buildDelay = 0
		text := s.configText(good)
		badLine := strings.Count(text, "\n") + 1
		s.writeRaw(text + "[database\nconnection = sqlite://\n")
		s.signal(syscall.SIGHUP)
		s.waitLog(round, "Caught Error while reloading configure files, keeping the running configuration")
		mark := len(s.logText())
		why := fmt.Sprintf("%s:%d: invalid section (must end with ]): \\\"[database\\\"", s.conf, badLine)
		if !strings.Contains(s.logText(), why) {
			t.Errorf("the error does not say where the file is broken (%s)", why)
		}
		// Two runs of the activation task in every process after the
		// error (the second starts once the first, which began after the
		// error, is done): the probe must still be in BUILD.
		s.waitFor(time.Minute, "two activation runs in every process", func() bool {
			runs := map[string]int{}
			for _, line := range strings.Split(s.logText()[mark:], "\n") {
				if f := strings.Fields(line); len(f) > 2 && strings.Contains(line, activateTask) {
					runs[f[2]]++
				}
			}
			for _, pid := range s.workers() {
				if runs[strconv.Itoa(pid)] < 2 {
					return false
				}
			}
			return true
		})
		if st, err := serverStatus(s.addr, probe); err != nil || st != "BUILD" {
			t.Errorf("after the broken file, the probe server is %q (%v), want BUILD: part of the file was applied", st, err)
		}
		if now := s.workers(); !slices.Equal(now, old) {
			t.Errorf("the workers were replaced after the broken file: %v -> %v", old, now)
		}
		l.waitOK(*flagSettle)

		// The next good file is applied by the next SIGHUP: the first
		// time, the probe turns ACTIVE; later, the servers the load made
		// meanwhile are still to activate first, and the log is the
		// evidence.
		s.writeConfig(good)
		s.signal(syscall.SIGHUP)
		s.waitApplied(round, 3600, 0)
		if round == 1 {
			s.waitActive(probe)
		}
		l.waitOK(*flagSettle)
		if round == *flagRounds {
			break
		}
		// Back to 3600 for the next round's probe.
		s.writeConfig(cfg)
		s.signal(syscall.SIGHUP)
		s.waitApplied(round, 0, 3600)
	}
	r := l.finish()
	l.verify(s.addr, &r, nil)
	expectNoFailure(t, l, r)
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
}

// waitApplied waits for the evidence that the n-th change of build_delay
// from -> to was applied: with mutate, a log line from every process;
// with reload and workers, the n-th pair of reloads done (a broken file
// does not count). A single process logs nothing when its reload is done.
func (s *service) waitApplied(n, from, to int) {
	s.t.Helper()
	switch {
	case s.cfg.method == "mutate":
		procs := 1
		if s.cfg.workers > 1 {
			procs += s.cfg.workers
		}
		s.waitLog(procs*n, fmt.Sprintf("Option compute.build_delay changed from [%d] to [%d]", from, to))
	case s.cfg.workers > 1:
		done := 2*n - 1
		if to == 3600 {
			done = 2 * n
		}
		s.waitLog(done, "Reload done")
	}
}

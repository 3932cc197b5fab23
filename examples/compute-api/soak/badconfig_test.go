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
		probe, err := createServer(s.addr, fmt.Sprintf("probe-%d", round))
		if err != nil {
			t.Fatal(err)
		}
		old := s.workers()
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

		if method == "reload" && workers == 1 && !*flagKnownBugs {
			t.Log("not checking that the next good file is applied: bug: with workers = 1, a reload closes the " +
				"database for good (see TestSIGHUP/reload/workers=1); -soak.known-bugs checks it")
			continue
		}
		// The next good file is applied by the next SIGHUP.
		s.writeConfig(good)
		s.signal(syscall.SIGHUP)
		s.waitFor(time.Minute, "the probe server to become ACTIVE", func() bool {
			st, err := serverStatus(s.addr, probe)
			if err != nil {
				t.Fatalf("reading the probe server: %v", err)
			}
			return st == "ACTIVE"
		})
		l.waitOK(*flagSettle)
		if round == *flagRounds {
			break
		}
		// Back to 3600 for the next round's probe.
		s.writeConfig(cfg)
		s.signal(syscall.SIGHUP)
		switch {
		case method == "mutate":
			procs := 1
			if workers > 1 {
				procs += workers
			}
			s.waitLog(procs*round, "Option compute.build_delay changed from [0] to [3600]")
		case workers > 1:
			s.waitLog(2*round, "Reload done")
		default:
			t.Fatal("a single process logs nothing when its reload is done")
		}
	}
	r := l.finish()
	l.verify(s.addr, &r, nil)
	expectNoFailure(t, l, r)
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
}

package main

import (
	"strings"
	"testing"
	"time"
)

// TestDrift reads both services' task lines, as each logs them with the
// bench's configuration, and measures their intervals in a window.
func TestDrift(t *testing.T) {
	logs := map[string]struct {
		text string
		src  *tickSource
	}{
		"goslo": {src: &tickSource{line: gosloTick}, text: `2026-11-25 15:40:01.000 101 DEBUG oslo_service.periodic_task [None req-1 - - - - - -] Running periodic task ComputeManager._activate_built_servers task=ComputeManager._activate_built_servers t=1000.000000[00m
2026-11-25 15:40:01.000 101 INFO goslo.wsgi [None req-2 - - - - - -] 127.0.0.1 "GET / HTTP/1.1" status: 200 t=1000.500000
2026-11-25 15:40:02.001 101 DEBUG oslo_service.periodic_task [None req-3 - - - - - -] Running periodic task ComputeManager._activate_built_servers task=ComputeManager._activate_built_servers t=1001.001000[00m
2026-11-25 15:40:02.001 102 DEBUG oslo_service.periodic_task [None req-4 - - - - - -] Running periodic task ComputeManager._purge_deleted_rows task=ComputeManager._purge_deleted_rows t=1001.002000[00m
2026-11-25 15:40:03.003 101 DEBUG oslo_service.periodic_task [None req-5 - - - - - -] Running periodic task ComputeManager._activate_built_servers task=ComputeManager._activate_built_servers t=1002.004000[00m
2026-11-25 15:40:04.003 101 DEBUG oslo_service.periodic_task [None req-6 - - - - - -] Running periodic task ComputeManager._activate_built_servers task=ComputeManager._activate_built_servers t=1003.004000[00m
`},
		"pyref": {src: &tickSource{line: pyrefTick}, text: `2026-11-25 15:40:01.000 101 INFO pyref [-] periodic tick n=1 pid=101 t=1000.000000
2026-11-25 15:40:02.001 101 INFO pyref [-] periodic tick n=2 pid=101 t=1001.001000
2026-11-25 15:40:03.004 101 INFO pyref [-] periodic tick n=3 pid=101 t=1002.004000
2026-11-25 15:40:04.004 101 INFO pyref [-] periodic tick n=4 pid=101 t=1003.004000
`},
	}
	at := func(s float64) time.Time { return time.Unix(0, int64(s*1e9)) }
	for name, l := range logs {
		t.Run(name, func(t *testing.T) {
			ticks := readTicks(strings.NewReader(l.text), l.src.line)
			if len(ticks) != 1 || len(ticks[101]) != 4 {
				t.Fatalf("ticks %v, want four of pid 101", ticks)
			}
			// The first run is left out: intervals 1002.004-1001.001 and
			// 1003.004-1002.004.
			all := driftIn(ticks, time.Second, at(999), at(2000))
			if all.n != 2 || all.max < 2.99 || all.max > 3.01 || all.mean < 1.49 || all.mean > 1.51 {
				t.Errorf("whole log: %+v, want 2 intervals, max 3 ms, mean 1.5 ms", all)
			}
			// A window keeps the intervals with both ends in it.
			if w := driftIn(ticks, time.Second, at(1002), at(2000)); w.n != 1 || w.max > 0.01 {
				t.Errorf("from 1002: %+v, want 1 interval of 1 s", w)
			}
			if w := driftIn(ticks, time.Second, at(999), at(1002)); w.n != 0 || w.String() != "-" {
				t.Errorf("before 1002: %+v (%s), want none", w, w)
			}
		})
	}
}

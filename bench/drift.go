package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// A periodic task every second runs in each worker of both services:
// goslo's ComputeManager._activate_built_servers (its "Running periodic
// task" line is DEBUG; the bench's configuration turns it on for
// oslo_service.periodic_task alone and appends the record's exact time
// with logging_debug_format_suffix), and pyref's tick task (its "periodic
// tick n=N pid=P t=EPOCH" line, which MEASURE.md's tools/drift.py
// reads). Drift is how far each interval between two runs of one worker
// is from the spacing: |Δ - 1 s|, as drift.py reports it.
var (
	gosloTick = regexp.MustCompile(`^\S+ \S+ (\d+) DEBUG \S+ .*Running periodic task ComputeManager\._activate_built_servers.* t=(\d+\.\d+)`)
	pyrefTick = regexp.MustCompile(`periodic tick n=\d+ pid=(\d+) t=(\d+\.\d+)`)
)

// tickSource says where a target logs its one-second task.
type tickSource struct {
	log  func(run string, port int) string
	line *regexp.Regexp // groups: pid, Unix time
}

// drift is the interval deviation of a target's 1 s task in a window.
type drift struct {
	n         int     // intervals measured
	mean, max float64 // ms
}

func (d drift) String() string {
	if d.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f / %.2f ms (%d)", d.mean, d.max, d.n)
}

// tickWord is in every task line of both services: the lines without it
// (goslo's access log, a line per request) are skipped before the
// regular expression, which would take a good part of a second on the
// log of a load.
var tickWord = []byte("periodic")

// readTicks returns each pid's task run times, in order.
func readTicks(r io.Reader, line *regexp.Regexp) map[int][]float64 {
	ticks := map[int][]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if !bytes.Contains(sc.Bytes(), tickWord) {
			continue
		}
		m := line.FindSubmatch(sc.Bytes())
		if m == nil {
			continue
		}
		pid, err1 := strconv.Atoi(string(m[1]))
		t, err2 := strconv.ParseFloat(string(m[2]), 64)
		if err1 == nil && err2 == nil {
			ticks[pid] = append(ticks[pid], t)
		}
	}
	for _, ts := range ticks {
		sort.Float64s(ts)
	}
	return ticks
}

// driftIn measures the intervals whose both ends fall in [from, to),
// skipping each worker's first run (run_immediately, as drift.py does).
func driftIn(ticks map[int][]float64, spacing time.Duration, from, to time.Time) drift {
	f, t := float64(from.UnixNano())/1e9, float64(to.UnixNano())/1e9
	var d drift
	sum := 0.0
	for _, ts := range ticks {
		for i := 2; i < len(ts); i++ {
			if ts[i-1] < f || ts[i] >= t {
				continue
			}
			dev := math.Abs(ts[i]-ts[i-1]-spacing.Seconds()) * 1000
			sum += dev
			d.max = math.Max(d.max, dev)
			d.n++
		}
	}
	if d.n > 0 {
		d.mean = sum / float64(d.n)
	}
	return d
}

// measureDrift reads the target's log after its load: idle drift is in
// [idleFrom, idleTo), loaded drift in [loadFrom, loadTo).
func measureDrift(src *tickSource, run string, port int, idleFrom, idleTo, loadFrom, loadTo time.Time) (idle, loaded drift, err error) {
	if src == nil {
		return drift{}, drift{}, nil
	}
	f, err := os.Open(src.log(run, port))
	if err != nil {
		return drift{}, drift{}, err
	}
	defer f.Close()
	ticks := readTicks(f, src.line)
	return driftIn(ticks, time.Second, idleFrom, idleTo), driftIn(ticks, time.Second, loadFrom, loadTo), nil
}

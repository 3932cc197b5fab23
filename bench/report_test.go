package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestReportRatios checks the ratio table: goslo over every other target
// of the same worker count but goslo-pyrefapp, goslo-pyrefapp over pyref
// (the like-for-like row), goslo-noaccesslog over bare net/http and bare
// net/http over pyref (the ceiling), by requests/s; a target that failed
// gets no ratio.
func TestReportRatios(t *testing.T) {
	r := func(target string, workers int, rootRPS, listRPS float64) row {
		x := row{target: target, workers: workers, startup: 10 * time.Millisecond, cpuRoot: 10, cpuList: 50}
		x.root.ReqPerSec, x.list.ReqPerSec = rootRPS, listRPS
		return x
	}
	failed := r("pyref", 2, 0, 0)
	failed.err = errors.New("no 200")
	rows := []row{
		r("goslo", 1, 900, 400), r("goslo-noaccesslog", 1, 1000, 500), r("bare net/http", 1, 1100, 550), r("goslo-pyrefapp", 1, 1200, 1000), r("pyref", 1, 45, 20),
		r("goslo", 2, 1800, 800), r("goslo-noaccesslog", 2, 2000, 1000), r("bare net/http", 2, 2500, 1000), r("goslo-pyrefapp", 2, 2400, 2000), failed,
	}
	var b strings.Builder
	report(&b, options{duration: 3 * time.Second, idle: 5 * time.Second}, rows)
	out := b.String()
	for _, want := range []string{
		"| 1 | goslo / goslo-noaccesslog | 0.90× | 0.80× |",
		"| 1 | goslo / bare net/http | 0.82× | 0.73× |",
		"| 1 | goslo / pyref | 20.00× | 20.00× |",
		"| 1 | goslo-noaccesslog / bare net/http | 0.91× | 0.91× |",
		"| 2 | goslo-noaccesslog / bare net/http | 0.80× | 1.00× |",
		"| 1 | bare net/http / pyref | 24.44× | 27.50× |",
		"| 1 | goslo-pyrefapp / pyref | 26.67× | 50.00× |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no line %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "| 2 | goslo / pyref |") || strings.Contains(out, "| 2 | bare net/http / pyref |") ||
		strings.Contains(out, "| 2 | goslo-pyrefapp / pyref |") {
		t.Errorf("a ratio against a target that failed:\n%s", out)
	}
	// goslo-pyrefapp runs another application than goslo's: no ratio
	// between them.
	if strings.Contains(out, "goslo / goslo-pyrefapp") {
		t.Errorf("goslo compared with goslo-pyrefapp:\n%s", out)
	}
}

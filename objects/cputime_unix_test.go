//go:build unix

package objects_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time the process used so far (all threads, the
// garbage collector's included).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ns/op metric, which a busy machine disturbs less
// than the wall-clock ns/op; call it with the value of processCPU taken
// before the loop.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

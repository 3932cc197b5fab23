package loopingcall

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"
)

// driftStats summarises call times against the ideal grid t0 + k×interval,
// with the figures of pyref's MEASURE.md §4: the deviation of each
// interval from the nominal one, and how far a call is from its grid
// point (for FixedInterval: how late each tick is).
type driftStats struct {
	interval time.Duration
	t0       time.Time
	prev     time.Time
	n        int
	grid     []time.Duration // call time - (t0 + k×interval)
	intDev   []time.Duration // |call_k - call_{k-1} - interval|
}

func (d *driftStats) add(now time.Time) {
	if d.n == 0 {
		d.t0 = now
	} else {
		dev := now.Sub(d.prev) - d.interval
		d.intDev = append(d.intDev, time.Duration(math.Abs(float64(dev))))
		d.grid = append(d.grid, now.Sub(d.t0.Add(time.Duration(d.n)*d.interval)))
	}
	d.prev = now
	d.n++
}

func meanMax(v []time.Duration) (mean, maxv, p99 float64) {
	if len(v) == 0 {
		return 0, 0, 0
	}
	var sum time.Duration
	sorted := append([]time.Duration(nil), v...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for _, x := range v {
		sum += x
	}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	return us(sum / time.Duration(len(v))), us(sorted[len(sorted)-1]), us(sorted[len(sorted)*99/100])
}

func (d *driftStats) report(b *testing.B) {
	mean, maxv, p99 := meanMax(d.grid)
	b.ReportMetric(mean, "late-mean-µs")
	b.ReportMetric(p99, "late-p99-µs")
	b.ReportMetric(maxv, "late-max-µs")
	mean, maxv, _ = meanMax(d.intDev)
	b.ReportMetric(mean, "intdev-mean-µs")
	b.ReportMetric(maxv, "intdev-max-µs")
}

var driftIntervals = []struct {
	name string
	d    time.Duration
}{{"1ms", time.Millisecond}, {"10ms", 10 * time.Millisecond}, {"100ms", 100 * time.Millisecond}, {"1s", time.Second}}

// BenchmarkFixedIntervalDrift measures how late each tick of a
// FixedInterval lands against the ideal grid start + k×interval (one op =
// one tick). late-* is the lateness of a tick; intdev-* is
// |t_k - t_{k-1} - interval|, the figure pyref's MEASURE.md §4 gives for
// oslo (2.2 ms mean, 5.6 ms max at 1 s, idle).
func BenchmarkFixedIntervalDrift(b *testing.B) {
	for _, iv := range driftIntervals {
		b.Run(iv.name, func(b *testing.B) {
			st := &driftStats{interval: iv.d}
			n := 0
			f := &FixedInterval{Interval: iv.d, Logger: discard(), Func: func(ctx context.Context) error {
				st.add(time.Now())
				n++
				if n > b.N {
					return Done(nil)
				}
				return nil
			}}
			b.ResetTimer()
			if err := f.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			if _, err := f.Wait(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			st.report(b)
		})
	}
}

// BenchmarkEndRelativeDrift is the baseline: oslo's rule (sleep the
// interval minus the run time after each run, without its 10 ms rounding)
// on Go timers. Each tick inherits the lateness of the previous ones, so
// late-* (against the grid) grows with the number of ticks while
// intdev-* stays small.
func BenchmarkEndRelativeDrift(b *testing.B) {
	for _, iv := range driftIntervals {
		b.Run(iv.name, func(b *testing.B) {
			st := &driftStats{interval: iv.d}
			timer := time.NewTimer(time.Hour)
			defer timer.Stop()
			b.ResetTimer()
			for i := 0; i <= b.N; i++ {
				began := time.Now()
				st.add(began)
				if idle := iv.d - time.Since(began); idle > 0 {
					timer.Reset(idle)
					<-timer.C
				}
			}
			b.StopTimer()
			st.report(b)
		})
	}
}

// BenchmarkFixedIntervalTick is the cost of one tick of the loop machinery
// itself (interval far below the timer resolution: the loop never sleeps).
func BenchmarkFixedIntervalTick(b *testing.B) {
	n := 0
	f := &FixedInterval{Interval: time.Nanosecond, Logger: discard(), Func: func(ctx context.Context) error {
		n++
		if n >= b.N {
			return Done(nil)
		}
		return nil
	}}
	b.ReportAllocs()
	b.ResetTimer()
	if err := f.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Wait(); err != nil {
		b.Fatal(err)
	}
}

package periodic

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkRunPeriodicTasks is the overhead of one call with 10 tasks
// (trivial task functions, logging off as at the default Info level):
// none due (the common call: check each and compute the idle time), and
// all due.
func BenchmarkRunPeriodicTasks(b *testing.B) {
	for _, due := range []bool{false, true} {
		name := "10tasks-none-due"
		spacing := time.Hour
		if due {
			name = "10tasks-all-due"
			spacing = time.Nanosecond
		}
		b.Run(name, func(b *testing.B) {
			var tasks []Task
			for i := range 10 {
				tasks = append(tasks, Task{Name: fmt.Sprintf("task%d", i), Spacing: spacing, Func: func(context.Context) error { return nil }})
			}
			p, err := New("Mgr", DefaultConfig(), discard(), tasks...)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := p.RunPeriodicTasks(ctx, false); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := p.RunPeriodicTasks(ctx, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package main

import (
	"context"
	"time"
)

// instance is one target at one worker count, taken through the phases of
// a run by schedule.
type instance interface {
	// up starts the server and returns once it answered its first 200,
	// all its workers run and its data is set up. On an error the
	// instance is left out of the rest of the run (and stopped).
	up(ctx context.Context) error
	// idle tells it the shared idle window [from, to) is over: it reads
	// its idle memory now, and its idle drift in that window later.
	idle(from, to time.Time)
	// load runs wrk on it; it records its own errors.
	load(ctx context.Context)
	// stop stops its processes and waits for them. schedule calls it
	// exactly once for every instance it called up on.
	stop()
}

// schedule measures every instance in about a third of the time of one
// after the other, without making their figures compete:
//
//   - start-ups one at a time, so that none competes with another's;
//   - one idle window shared by all the instances that came up: an idle
//     server does not load the cores, so N of them can idle together and
//     the window is paid once instead of N times;
//   - then the load on each in turn, each stopped as soon as it is
//     loaded, so that what it still does after the load (a backlog, a
//     GC) does not run beside the next one's.
//
// Every instance whose up was called is stopped exactly once on every
// path: an error, or ctx cancelled (Ctrl-C), which is returned.
func schedule(ctx context.Context, all []instance, wait func(context.Context) error) error {
	var live []instance
	defer func() {
		for _, in := range live {
			in.stop()
		}
	}()
	for _, in := range all {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := in.up(ctx); err != nil {
			in.stop()
			continue
		}
		live = append(live, in)
	}
	if len(live) == 0 {
		return ctx.Err()
	}
	from := time.Now()
	if err := wait(ctx); err != nil {
		return err
	}
	to := time.Now()
	for _, in := range live {
		in.idle(from, to)
	}
	for len(live) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		in := live[0]
		in.load(ctx)
		// Out of live before stop: stop runs once even if it panics.
		live = live[1:]
		in.stop()
	}
	return ctx.Err()
}

// sleep waits d, or less if ctx is cancelled.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

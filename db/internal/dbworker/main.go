// Command dbworker is the other process of package db's multi-process
// tests, built by them: several of it write the same database at once.
//
//	dbworker increment -url URL -id ID -n N -workers W
//		W goroutines each add one to counter ID, N times, by
//		load-change-save (testmodel.Increment); prints
//		{"increments": N*W, "conflicts": C} when done.
//	dbworker lease -url URL -name NAME -owner OWNER -ttl D -interval D
//		every interval, a run-once-per-cluster tick on lease NAME
//		(testmodel.RunOnce), until stdin is closed or SIGTERM; prints
//		{"runs": R} when it stops.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goslo/goslo/db"
	"github.com/goslo/goslo/db/internal/testmodel"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dbworker increment|lease [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	url := fs.String("url", "", "connection URL")
	id := fs.Int64("id", 0, "counter id")
	n := fs.Int("n", 100, "increments per goroutine")
	workers := fs.Int("workers", 1, "goroutines")
	name := fs.String("name", "", "lease name")
	owner := fs.String("owner", "", "lease owner")
	ttl := fs.Duration("ttl", time.Second, "lease TTL")
	interval := fs.Duration("interval", 100*time.Millisecond, "tick interval")
	fs.Parse(os.Args[2:])

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	o := db.DefaultOptions(*url)
	o.Retry = db.RetryPolicy{Interval: time.Millisecond, IncInterval: true, MaxInterval: 50 * time.Millisecond, MaxRetries: -1}
	d, err := db.OpenOptions(ctx, o)
	if err != nil {
		fail(err)
	}
	var out any
	switch os.Args[1] {
	case "increment":
		out, err = increment(ctx, d, *id, *n, *workers)
	case "lease":
		out, err = lease(ctx, d, d.Lease(*name, *owner, *ttl), *interval)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if cerr := d.Close(context.Background()); err == nil {
		err = cerr
	}
	if err != nil {
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "dbworker:", err)
	os.Exit(1)
}

func increment(ctx context.Context, d *db.DB, id int64, n, workers int) (any, error) {
	var conflicts atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				if err := testmodel.Increment(ctx, d, id, &conflicts); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return map[string]int64{"increments": int64(n * workers), "conflicts": conflicts.Load()}, nil
}

func lease(ctx context.Context, d *db.DB, l *db.Lease, interval time.Duration) (any, error) {
	// Closing stdin stops the worker, as SIGTERM does.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	runs := 0
	for {
		ran, err := testmodel.RunOnce(ctx, d, l)
		if err != nil && ctx.Err() == nil {
			return nil, err
		}
		if ran {
			runs++
		}
		select {
		case <-ctx.Done():
			return map[string]int{"runs": runs}, nil
		case <-tick.C:
		}
	}
}

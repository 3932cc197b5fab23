// Command bench measures goslo's example service side by side with the
// Python anchor (../shared/reference/pyref: real oslo.service, PasteDeploy
// and oslo.middleware on eventlet), with the same handlers on bare
// net/http, and with pyref's own service ported to goslo (examples/pyref,
// the target goslo-pyrefapp, compared with pyref: the same application on
// both stacks), in one run on one machine, and prints a table of figures
// and ratios.
//
//	go run ./bench -pyref ../shared/reference/pyref
//
// For each target and each worker count it measures exec to the first 200
// (one server at a time), then lets every server idle together for
// -idle (idle memory per process, and the drift of the periodic task),
// then runs wrk (-t2 -c50 -d3s by default) on each server in turn, on
// GET / and on a list of ten items, and stops it: requests/s, p50/p99,
// server CPU time per request (the load generator shares the cores, so
// this is the figure to compare with the bare ceiling), the peak memory
// under load and the drift under load. Memory is RSS, USS (private pages)
// and PSS (see mem). See schedule for why this order gives the figures of
// one server after the other in about a third of the time. Every server
// listens on 127.0.0.1 only and is stopped at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	pyref       string
	duration    time.Duration
	idle        time.Duration
	connections int
	threads     int
	workers     []int
	out         io.Writer
}

func main() {
	var o options
	var workers string
	flag.StringVar(&o.pyref, "pyref", "", "path of reference/pyref (the Python anchor); empty: skip it")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "wrk duration per measurement, whole seconds (10s for steadier figures)")
	flag.DurationVar(&o.idle, "idle", 5*time.Second, "how long all the targets idle together before the first load (idle memory and periodic drift)")
	flag.IntVar(&o.connections, "c", 50, "wrk connections")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.StringVar(&workers, "workers", "1,2", "worker counts to measure")
	flag.Parse()
	if o.duration < time.Second || o.duration%time.Second != 0 {
		fmt.Fprintf(os.Stderr, "bench: bad -duration %s: wrk takes whole seconds\n", o.duration)
		os.Exit(2)
	}
	for _, w := range strings.Split(workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad -workers %q\n", workers)
			os.Exit(2)
		}
		o.workers = append(o.workers, n)
	}
	o.out = os.Stdout
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// row is one target at one worker count.
type row struct {
	target     string
	workers    int
	startup    time.Duration
	memIdle    []mem // per process, the parent first
	memLoad    []mem // per process, the peak while wrk ran
	pssIdle    int   // kB, all processes
	pssLoad    int   // kB, all processes, the peak while wrk ran
	root, list wrkResult
	cpuRoot    float64 // server CPU µs per request
	cpuList    float64
	// driftIdle and driftLoad: the periodic task's interval deviation
	// before and during the load.
	driftIdle, driftLoad drift
	err                  error
}

func run(ctx context.Context, o options) error {
	targets, cleanup, err := buildTargets(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	if len(targets) == 0 {
		return fmt.Errorf("nothing to measure")
	}
	dir, err := os.MkdirTemp("", "goslo-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var servers []*server
	var all []instance
	for _, w := range o.workers {
		for _, t := range targets {
			s := &server{o: o, t: t, dir: dir, row: row{target: t.name, workers: w}}
			servers = append(servers, s)
			all = append(all, s)
		}
	}
	began := time.Now()
	err = schedule(ctx, all, func(ctx context.Context) error {
		fmt.Fprintf(os.Stderr, "bench: all up; %s idle together...\n", o.idle)
		return sleep(ctx, o.idle)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: measured in %s\n", time.Since(began).Round(100*time.Millisecond))
	rows := make([]row, len(servers))
	for i, s := range servers {
		rows[i] = s.row
	}
	report(o.out, o, rows)
	return nil
}

// server is one target at one worker count: the instance schedule runs.
type server struct {
	o        options
	t        target
	dir      string
	row      row
	cmd      *exec.Cmd
	port     int
	base     string
	idleFrom time.Time
	idleTo   time.Time
}

func (s *server) name() string {
	return fmt.Sprintf("%s with %d workers", s.t.name, s.row.workers)
}

func (s *server) up(ctx context.Context) error {
	fmt.Fprintf(os.Stderr, "bench: starting %s...\n", s.name())
	err := s.start(ctx)
	if err != nil {
		s.row.err = err
	}
	return err
}

func (s *server) start(ctx context.Context) error {
	var err error
	if s.port, err = freePort(); err != nil {
		return err
	}
	s.base = fmt.Sprintf("http://127.0.0.1:%d", s.port)
	cmd, err := s.t.command(ctx, s.row.workers, s.port, s.dir)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := cmd.start(); err != nil {
		return err
	}
	s.cmd = cmd.Cmd
	if err := firstOK(ctx, s.base+s.t.paths["root"], 60*time.Second); err != nil {
		return err
	}
	s.row.startup = time.Since(t0)
	// Every worker runs before the next target starts, so that start-ups
	// do not compete.
	if !s.t.oneProcess {
		waitTree(ctx, s.cmd.Process.Pid, s.row.workers, 30*time.Second)
	}
	if s.t.setup != nil {
		if err := s.t.setup(ctx, s.base); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// idle reads each process's memory at the end of the shared idle window;
// the periodic task's runs in the window give its idle drift.
func (s *server) idle(from, to time.Time) {
	s.idleFrom, s.idleTo = from, to
	for _, pid := range tree(s.cmd.Process.Pid) {
		m := memOf(pid)
		s.row.memIdle = append(s.row.memIdle, m)
		s.row.pssIdle += m.pss
	}
}

func (s *server) load(ctx context.Context) {
	fmt.Fprintf(os.Stderr, "bench: loading %s...\n", s.name())
	r, pid := &s.row, s.cmd.Process.Pid
	// Memory under load is sampled while wrk runs, every 200 ms, and
	// once more at the end; each figure is its peak.
	peak := newPeakMem()
	stopSampling, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-t.C:
				peak.sample(tree(pid))
			}
		}
	}()
	load := func(path string, res *wrkResult, cpu *float64) {
		if r.err != nil {
			return
		}
		pids := tree(pid)
		c0 := cpuTicks(pids)
		got, err := runWrk(ctx, s.base+path, s.o.duration, s.o.connections, s.o.threads)
		if err != nil {
			r.err = err
			return
		}
		*res = got
		if got.Requests > 0 {
			*cpu = float64(cpuTicks(pids)-c0) / ticksPerSecond * 1e6 / float64(got.Requests)
		}
	}
	loadFrom := time.Now()
	load(s.t.paths["root"], &r.root, &r.cpuRoot)
	load(s.t.paths["list10"], &r.list, &r.cpuList)
	loadTo := time.Now()
	close(stopSampling)
	<-sampled
	peak.sample(tree(pid))
	r.memLoad, r.pssLoad = peak.result()
	var err error
	if r.driftIdle, r.driftLoad, err = measureDrift(s.t.ticks, s.dir, s.port, s.idleFrom, s.idleTo, loadFrom, loadTo); err != nil && r.err == nil {
		r.err = err
	}
}

func (s *server) stop() {
	if s.cmd != nil {
		t0 := time.Now()
		stop(s.cmd)
		s.cmd = nil
		fmt.Fprintf(os.Stderr, "bench: %s stopped in %s\n", s.name(), time.Since(t0).Round(time.Millisecond))
	}
}

// waitTree waits until the process has n children (workers) when n > 1.
func waitTree(ctx context.Context, pid, n int, within time.Duration) {
	if n <= 1 {
		return
	}
	deadline := time.Now().Add(within)
	for len(tree(pid)) < n+1 && time.Now().Before(deadline) && sleep(ctx, 10*time.Millisecond) == nil {
	}
}

func report(w io.Writer, o options, rows []row) {
	fmt.Fprintf(w, "# goslo side-by-side benchmark\n\n")
	fmt.Fprintf(w, "Machine: %d cores (runtime.NumCPU), %s; wrk -t%d -c%d -d%s on 127.0.0.1; the load generator shares the cores. Each target is loaded alone (those not loaded yet idle beside it) and stopped after its load.\n\n",
		runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, o.threads, o.connections, o.duration)
	fmt.Fprintln(w, "Memory per process, the parent first. RSS counts the executable's pages, which the processes of a service share; USS counts the pages mapped by that process alone: with workers, what one more worker costs (a lone process shares its executable with nobody, so its USS is close to its RSS); PSS total is what the processes cost together. Loaded is the peak while wrk ran (sampled every 200 ms). Each server runs its own copy of its executable (pyref: of the interpreter), so the servers that idle side by side do not share those pages; the two pyrefs still share their extension modules and libraries, which takes 4-5 MiB off the USS and PSS of a lone pyref. bench/MEMORY.md breaks these figures down.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | workers | start-up to first 200 | RSS/process idle (MiB) | RSS/process loaded (MiB) | USS/process idle (MiB) | USS/process loaded (MiB) | PSS total idle / loaded (MiB) | GET / req/s | p50 | p99 | CPU µs/req | list of 10 req/s | p50 | p99 | CPU µs/req | errors |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(w, "| %s | %d | error: %s |\n", r.target, r.workers, strings.ReplaceAll(r.err.Error(), "\n", " "))
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %.1f / %.1f | %.0f | %s | %s | %.0f | %.0f | %s | %s | %.0f | %d |\n",
			r.target, r.workers, r.startup.Round(time.Millisecond),
			mib(r.memIdle, func(m mem) int { return m.rss }), mib(r.memLoad, func(m mem) int { return m.rss }),
			mib(r.memIdle, func(m mem) int { return m.uss }), mib(r.memLoad, func(m mem) int { return m.uss }),
			float64(r.pssIdle)/1024, float64(r.pssLoad)/1024,
			r.root.ReqPerSec, r.root.P50, r.root.P99, r.cpuRoot,
			r.list.ReqPerSec, r.list.P50, r.list.P99, r.cpuList,
			r.root.Non2xx+r.root.SocketErrors+r.list.Non2xx+r.list.SocketErrors)
	}
	fmt.Fprintf(w, "\n## Periodic task drift\n\n")
	fmt.Fprintf(w, "A task with a spacing of 1 s in every worker (goslo: ComputeManager._activate_built_servers; pyref and goslo-pyrefapp: their tick task). Each figure is |interval - 1 s| between two runs of one worker, mean / max, and (in brackets) how many intervals: idle is a window of %s in which every target idled, once all had started and before the first load; loaded is while wrk ran on that target. A worker's first run (run_immediately) is left out.\n\n", o.idle)
	fmt.Fprintln(w, "| target | workers | idle | loaded |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		if r.err != nil || (r.driftIdle.n == 0 && r.driftLoad.n == 0) {
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", r.target, r.workers, r.driftIdle, r.driftLoad)
	}
	// Ratios against every other target, per worker count.
	fmt.Fprintf(w, "\n## Ratios (first target over the others, same worker count)\n\n")
	fmt.Fprintln(w, "goslo is the compute-api example, whose list of 10 reads ten servers from SQLite; goslo-pyrefapp / pyref is the like-for-like row: pyref's own service (examples/pyref: same application, api-paste.ini and pyref.conf) on each stack.")
	fmt.Fprintln(w)
	byW := map[int][]row{}
	for _, r := range rows {
		byW[r.workers] = append(byW[r.workers], r)
	}
	var ws []int
	for k := range byW {
		ws = append(ws, k)
	}
	sort.Ints(ws)
	fmt.Fprintln(w, "| workers | vs | GET / req/s | list req/s | GET / CPU/req | list CPU/req | start-up |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, k := range ws {
		rs := byW[k]
		pairs := make([][2]row, 0, len(rs)+3)
		for _, b := range rs[1:] {
			if b.target != "goslo-pyrefapp" {
				pairs = append(pairs, [2]row{rs[0], b})
			}
		}
		// pyref's own service on goslo against pyref: the same
		// application, pipeline and options on both stacks.
		if a, ok := rowOf(rs, "goslo-pyrefapp"); ok {
			if p, ok := rowOf(rs, "pyref"); ok {
				pairs = append(pairs, [2]row{a, p})
			}
		}
		// The service without its access line against the same
		// handlers bare: what the rest of the stack costs.
		if q, ok := rowOf(rs, "goslo-noaccesslog"); ok {
			if b, ok := rowOf(rs, "bare net/http"); ok {
				pairs = append(pairs, [2]row{q, b})
			}
		}
		// The same handlers bare against the anchor: the ceiling of any
		// ratio against pyref on this machine, where the load generator
		// takes its share of the same cores.
		if b, ok := rowOf(rs, "bare net/http"); ok {
			if p, ok := rowOf(rs, "pyref"); ok {
				pairs = append(pairs, [2]row{b, p})
			}
		}
		for _, p := range pairs {
			a, b := p[0], p[1]
			if a.err != nil || b.err != nil {
				continue
			}
			fmt.Fprintf(w, "| %d | %s / %s | %.2f× | %.2f× | %.2f× less | %.2f× less | %.1f× faster |\n", k, a.target, b.target,
				ratio(a.root.ReqPerSec, b.root.ReqPerSec), ratio(a.list.ReqPerSec, b.list.ReqPerSec),
				ratio(b.cpuRoot, a.cpuRoot), ratio(b.cpuList, a.cpuList), ratio(float64(b.startup), float64(a.startup)))
		}
	}
}

// rowOf returns the row of the named target.
func rowOf(rs []row, target string) (row, bool) {
	for _, r := range rs {
		if r.target == target {
			return r, true
		}
	}
	return row{}, false
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mib(ms []mem, field func(mem) int) string {
	if len(ms) == 0 {
		return "-"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%.1f", float64(field(m))/1024)
	}
	return strings.Join(parts, " / ")
}

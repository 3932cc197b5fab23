package service

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goslo/goslo/config"
)

// processLauncher is oslo's ProcessLauncher for a runtime that cannot
// fork: the parent keeps the listening sockets, starts each worker by
// running its own executable again with the sockets as inherited file
// descriptors, supervises, and never serves.
type processLauncher struct {
	*base
	target   int
	gen      int
	children map[int]*child
	forks    []time.Time // start times, for oslo's fork-rate limit
	events   chan childEvent

	deathR, deathW *os.File // the parent-death pipe: workers read, the parent holds the write end
	spawns         chan spawnReq

	reload       *rolling // a reload replacing the workers, or nil
	stopping     bool
	stopFailed   int  // workers whose stop failed (a timeout, a signal)
	announced    bool // READY=1 sent
	respawnAt    time.Time
	respawnTimer *time.Timer
}

type child struct {
	pid      int
	gen      int
	started  time.Time
	ready    bool
	retiring bool // told to stop: not respawned
	hup      bool // a SIGHUP to forward once it is ready
}

type childEvent struct {
	pid   int
	ready bool
}

type rolling struct {
	gen      int
	deadline time.Time
}

type spawnReq struct {
	index int
	reply chan spawnResult
}

type spawnResult struct {
	pid int
	err error
}

func newProcessLauncher(b *base, workers int) *processLauncher {
	return &processLauncher{base: b, target: workers, gen: 1, children: map[int]*child{}, events: make(chan childEvent, 64)}
}

// spawner starts worker processes from one goroutine locked to its OS
// thread for the launcher's life: PR_SET_PDEATHSIG fires when the thread
// that started a child ends, and Go may end an idle thread otherwise.
func (p *processLauncher) spawner(ctx context.Context, done chan<- struct{}) {
	runtime.LockOSThread()
	defer close(done)
	for {
		select {
		case req := <-p.spawns:
			pid, err := p.startWorker(req.index)
			req.reply <- spawnResult{pid, err}
		case <-ctx.Done():
			return
		}
	}
}

func (p *processLauncher) startWorker(index int) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer statusW.Close()
	snap, err := p.configSnapshot()
	if err != nil {
		statusR.Close()
		return 0, err
	}
	defer snap.Close()
	keys, socks := listenerFiles()
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr, p.deathR, statusW, snap}
	var listen []string
	for i, k := range keys {
		files = append(files, socks[i])
		listen = append(listen, k+"="+strconv.Itoa(len(files)-1))
	}
	env := childEnv(
		envWorker+"="+strconv.Itoa(p.gen)+":"+strconv.Itoa(index),
		envWorkerFDs+"=3,4",
		envWorkerMeth+"="+p.method,
		envListen+"="+strings.Join(listen, ";"),
		config.SnapshotEnv+"=5",
	)
	proc, err := os.StartProcess(exe, os.Args, &os.ProcAttr{Env: env, Files: files,
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}})
	if err != nil {
		statusR.Close()
		return 0, err
	}
	pid := proc.Pid
	proc.Release() // reaped with wait4 by pid, see reap
	go func() {
		defer statusR.Close()
		sc := bufio.NewScanner(statusR)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY") {
				p.events <- childEvent{pid: pid, ready: true}
			}
		}
	}()
	return pid, nil
}

// configSnapshot puts the parent's configuration files, as it loaded them,
// in a memory file for a worker: the worker loads exactly what its
// parent runs, as a forked oslo worker inherits its parent's options,
// even if an operator has edited the files since (they apply on SIGHUP).
func (p *processLauncher) configSnapshot() (*os.File, error) {
	data, err := p.conf.Snapshot()
	if err != nil {
		return nil, err
	}
	fd, err := unix.MemfdCreate("goslo-config", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "goslo-config")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, 0); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (p *processLauncher) spawn(index int) {
	reply := make(chan spawnResult, 1)
	p.spawns <- spawnReq{index: index, reply: reply}
	r := <-reply
	if r.err != nil {
		p.log.Error("Failed to start a worker", "err", r.err)
		return
	}
	p.forks = append(p.forks, time.Now())
	p.children[r.pid] = &child{pid: r.pid, gen: p.gen, started: time.Now()}
	p.log.Debug(fmt.Sprintf("Started child %d", r.pid))
}

// current counts the workers of the current generation not told to stop.
func (p *processLauncher) current() (n int, ready int) {
	for _, c := range p.children {
		if c.gen == p.gen && !c.retiring {
			n++
			if c.ready {
				ready++
			}
		}
	}
	return n, ready
}

// fill starts workers until there are target of them, no faster than
// oslo allows: when more than target workers started within the last
// target seconds it waits a second ("Forking too fast, sleeping"),
// without blocking the signal loop.
func (p *processLauncher) fill() {
	if p.stopping {
		return
	}
	for {
		n, _ := p.current()
		if n >= p.target {
			return
		}
		now := time.Now()
		if now.Before(p.respawnAt) {
			return
		}
		if len(p.forks) > p.target {
			if now.Sub(p.forks[0]) < time.Duration(p.target)*time.Second {
				p.log.Info("Forking too fast, sleeping")
				p.respawnAt = now.Add(time.Second)
				p.forks = p.forks[1:]
				if p.respawnTimer == nil {
					p.respawnTimer = time.NewTimer(time.Second)
				} else {
					p.respawnTimer.Reset(time.Second)
				}
				return
			}
			p.forks = p.forks[1:]
		}
		p.spawn(n)
	}
}

func (p *processLauncher) timerC() <-chan time.Time {
	if p.respawnTimer == nil {
		return nil
	}
	return p.respawnTimer.C
}

func (p *processLauncher) Wait() error {
	var err error
	if p.deathR, p.deathW, err = os.Pipe(); err != nil {
		return err
	}
	defer p.deathW.Close()
	defer p.deathR.Close()
	defer CloseListeners()
	ctx, cancel := context.WithCancel(context.Background())
	spawnerDone := make(chan struct{})
	p.spawns = make(chan spawnReq)
	go p.spawner(ctx, spawnerDone)
	defer func() { cancel(); <-spawnerDone }()

	sigs, release := p.signals(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGCHLD,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTTIN, syscall.SIGTTOU)
	defer release()
	p.log.Info(fmt.Sprintf("Starting %d workers", p.target))
	p.fill()
	p.logOptions()
	wd, stopWD := watchdogTicker()
	defer stopWD()
	up := newUpgrader(p.base)
	defer up.abort()
	poll := time.NewTicker(500 * time.Millisecond) // signals coalesce; reap anyway
	defer poll.Stop()
	for {
		select {
		case sig := <-sigs:
			switch sig {
			case syscall.SIGCHLD:
				p.reap()
			case syscall.SIGTERM:
				p.log.Info("Caught SIGTERM, stopping children")
				return p.stop()
			case syscall.SIGINT:
				p.log.Info("Caught SIGINT signal, instantaneous exiting")
				return p.interrupt()
			case syscall.SIGHUP:
				p.log.Info("Caught SIG_UNBLOCK, stopping children")
				if !p.daemon() {
					return p.stop()
				}
				p.hup(ctx)
			case syscall.SIGTTIN:
				p.target++
				p.log.Info(fmt.Sprintf("Caught SIGTTIN, now %d workers", p.target))
				p.fill()
			case syscall.SIGTTOU:
				p.shrink()
			case syscall.SIGUSR2:
				writeReport(p.base, p.workerRows())
			case syscall.SIGUSR1:
				up.start()
			}
		case ev := <-p.events:
			p.childReady(ev.pid)
		case <-p.timerC():
			p.respawnAt = time.Time{}
			p.fill()
		case <-poll.C:
			p.reap()
			p.checkRolling()
		case <-up.ready():
			p.log.Info("New process is ready, handing over", "pid", up.pid())
			p.sd.mainPID(up.pid())
			up.release()
			return p.stop()
		case <-up.failed():
			up.abort()
		case <-p.stopReq:
			return p.stop()
		case <-wd:
			p.sd.send("WATCHDOG=1")
		}
	}
}

func (p *processLauncher) childReady(pid int) {
	c := p.children[pid]
	if c == nil {
		return
	}
	c.ready = true
	p.log.Debug("Worker ready", "pid", pid, "generation", c.gen)
	if c.hup {
		c.hup = false
		syscall.Kill(pid, syscall.SIGHUP)
	}
	if p.reload != nil {
		p.checkRolling()
		return
	}
	if n, ready := p.current(); !p.announced && ready >= p.target && n >= p.target {
		p.announced = true
		p.log.Info(fmt.Sprintf("All %d workers are ready", p.target))
		p.sd.ready()
		p.notifyUpgradeParent()
		p.releaseStartupMemory()
	}
}

// reap collects exited children: every child of the process when it is
// PID 1 (so that orphans re-parented to it do not stay zombies), else the
// workers.
func (p *processLauncher) reap() {
	handle := func(pid int, ws syscall.WaitStatus) {
		c := p.children[pid]
		if c == nil {
			return
		}
		delete(p.children, pid)
		if ws.Signaled() {
			p.log.Info(fmt.Sprintf("Child %d killed by signal %d", pid, ws.Signal()))
		} else {
			p.log.Info(fmt.Sprintf("Child %d exited with status %d", pid, ws.ExitStatus()))
		}
		if p.stopping {
			// A worker still starting has no signal handler yet and dies
			// of SIGTERM with nothing to drain: that is no failure.
			if c.ready && !c.retiring && (ws.Signaled() || ws.ExitStatus() != 0) {
				p.stopFailed++
			}
			return
		}
		if c.retiring {
			return
		}
		if p.reload != nil && c.gen == p.reload.gen && !c.ready {
			p.abortRolling(fmt.Sprintf("new worker %d exited before it was ready", pid))
			return
		}
		p.fill()
	}
	if os.Getpid() == 1 {
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				return
			}
			handle(pid, ws)
		}
	}
	pids := make([]int, 0, len(p.children))
	for pid := range p.children {
		pids = append(pids, pid)
	}
	for _, pid := range pids {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if err == syscall.ECHILD {
			// Not ours any more (reaped elsewhere): forget it.
			handle(pid, syscall.WaitStatus(0))
			continue
		}
		if got == pid {
			handle(pid, ws)
		}
	}
}

// hup applies SIGHUP in a daemon. reload: re-read the configuration, then
// replace the workers: the new generation starts, and the old one is told
// to stop only once every new worker is ready, so no request waits for a
// worker that is not there. mutate: apply the mutable options here and in
// every worker (forwarding SIGHUP). A configuration that fails to load
// changes nothing.
func (p *processLauncher) hup(ctx context.Context) {
	if p.reload != nil {
		p.log.Warn("A reload is already in progress; SIGHUP ignored")
		return
	}
	p.sd.reloading()
	if p.reloadConfig() != nil {
		p.sd.ready()
		return
	}
	p.reset(ctx)
	if p.method == RestartMutate {
		for pid, c := range p.children {
			switch {
			case c.retiring:
			case c.ready:
				syscall.Kill(pid, syscall.SIGHUP)
			default:
				// Still starting: it may have read the files before they
				// changed, so it mutates once it is ready.
				c.hup = true
			}
		}
		p.sd.ready()
		return
	}
	p.gen++
	p.reload = &rolling{gen: p.gen, deadline: time.Now().Add(time.Duration(UpgradeTimeout.Get(p.conf)) * time.Second)}
	for i := 0; i < p.target; i++ {
		p.spawn(i)
	}
}

// checkRolling finishes a reload once every new worker is ready, or gives
// it up at its deadline.
func (p *processLauncher) checkRolling() {
	r := p.reload
	if r == nil {
		return
	}
	n, ready := p.current()
	if ready >= p.target && n >= p.target {
		for pid, c := range p.children {
			if c.gen != r.gen && !c.retiring {
				c.retiring = true
				syscall.Kill(pid, syscall.SIGTERM)
			}
		}
		p.reload = nil
		p.log.Info(fmt.Sprintf("Reload done: %d new workers ready, the old ones are draining", ready))
		p.sd.ready()
		return
	}
	if time.Now().After(r.deadline) {
		p.abortRolling("new workers did not become ready in time")
	}
}

// abortRolling gives up a reload: the new workers are stopped and the old
// ones go on serving.
func (p *processLauncher) abortRolling(why string) {
	r := p.reload
	p.reload = nil
	p.log.Error("Reload failed, keeping the running workers: " + why)
	for pid, c := range p.children {
		if c.gen == r.gen {
			c.retiring = true
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	// The old generation becomes current again.
	prev := 0
	for _, c := range p.children {
		if !c.retiring && c.gen > prev {
			prev = c.gen
		}
	}
	if prev > 0 {
		p.gen = prev
	}
	p.sd.ready()
	p.fill()
}

// shrink removes a worker (SIGTTOU), down to one.
func (p *processLauncher) shrink() {
	if p.target <= 1 {
		p.log.Info("Caught SIGTTOU, keeping the last worker")
		return
	}
	p.target--
	var newest *child
	for _, c := range p.children {
		if c.gen == p.gen && !c.retiring && (newest == nil || c.started.After(newest.started)) {
			newest = c
		}
	}
	if n, _ := p.current(); newest != nil && n > p.target {
		newest.retiring = true
		syscall.Kill(newest.pid, syscall.SIGTERM)
	}
	p.log.Info(fmt.Sprintf("Caught SIGTTOU, now %d workers", p.target))
}

// stop is the graceful stop: every worker gets SIGTERM and finishes its
// in-flight work; the ones still running after graceful_shutdown_timeout
// are killed.
func (p *processLauncher) stop() error {
	p.stopping = true
	p.sd.stopping()
	for pid, c := range p.children {
		if !c.retiring { // a retiring worker is already stopping
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	if len(p.children) > 0 {
		p.log.Info(fmt.Sprintf("Waiting on %d children to exit", len(p.children)))
	}
	// Each worker enforces graceful_shutdown_timeout itself (and exits 1
	// when it had to force); the parent waits a little longer, then
	// kills what is left.
	var deadline <-chan time.Time
	if d := gracefulTimeout(p.conf); d > 0 {
		t := time.NewTimer(d + stopMargin)
		defer t.Stop()
		deadline = t.C
	}
	if !p.waitChildren(deadline) {
		p.log.Info("Graceful shutdown timeout exceeded, instantaneous exiting")
		p.killAll()
		return ErrShutdownTimeout
	}
	if p.stopFailed > 0 {
		return fmt.Errorf("%w: %d workers did not stop gracefully", ErrShutdownTimeout, p.stopFailed)
	}
	return nil
}

// stopMargin is how much longer than a worker's own graceful timeout the
// parent waits for it.
const stopMargin = 2 * time.Second

// interrupt is SIGINT: the workers exit at once.
func (p *processLauncher) interrupt() error {
	p.stopping = true
	for pid := range p.children {
		syscall.Kill(pid, syscall.SIGINT)
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	if !p.waitChildren(t.C) {
		p.killAll()
	}
	return ErrInterrupted
}

func (p *processLauncher) killAll() {
	for pid := range p.children {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	p.waitChildren(t.C)
}

// waitChildren reaps until no child is left (true) or deadline fires.
func (p *processLauncher) waitChildren(deadline <-chan time.Time) bool {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		p.reap()
		if len(p.children) == 0 {
			return true
		}
		select {
		case <-tick.C:
		case <-p.events: // readiness of a stopping worker: ignore
		case <-deadline:
			p.reap()
			return len(p.children) == 0
		}
	}
}

type workerRow struct {
	pid      int
	gen      int
	uptime   time.Duration
	ready    bool
	retiring bool
}

func (p *processLauncher) workerRows() []workerRow {
	var rows []workerRow
	for _, c := range p.children {
		rows = append(rows, workerRow{c.pid, c.gen, time.Since(c.started), c.ready, c.retiring})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].pid < rows[j].pid })
	return rows
}

package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/goslo/goslo/config"
)

// Restart methods: what SIGHUP does to a daemon.
const (
	RestartReload = "reload" // re-read the config files and restart the services
	RestartMutate = "mutate" // apply the changed mutable options in place
)

// ErrInterrupted is returned by Wait after SIGINT (an immediate exit).
var ErrInterrupted = errors.New("service: interrupted")

// ErrShutdownTimeout is returned by Wait when a graceful stop outlived
// graceful_shutdown_timeout and the rest was forced.
var ErrShutdownTimeout = errors.New("service: graceful shutdown timeout exceeded")

// Launcher runs services until they are stopped (oslo's launchers).
type Launcher interface {
	// Wait runs until a signal or Stop ends the service and returns nil
	// after a graceful stop, else the reason (the process should exit 1).
	Wait() error
	// Stop asks for a graceful stop, as SIGTERM does.
	Stop()
}

// Options tune a launcher beyond oslo's arguments. The zero value is
// oslo's behaviour.
type Options struct {
	Log     *slog.Logger // nil: slog.Default()
	Version string       // shown in the SIGUSR2 report
	// Daemon overrides oslo's test of whether the process is a daemon
	// (stdout not a terminal of the foreground group): nil means test.
	Daemon *bool
	// Signals, when set, replaces the process's signals (for tests).
	Signals <-chan os.Signal
}

// Launch runs svc as oslo's service.launch does: in this process when
// workers is 0 or 1 (a ServiceLauncher), else in that many worker
// processes under a supervising parent (a ProcessLauncher). restartMethod
// is RestartReload or RestartMutate. When this process is itself a worker
// started by a ProcessLauncher, Launch returns the worker's launcher.
//
// Call Launch after every option is registered and the configuration is
// loaded; it registers the launcher's own options.
func Launch(conf *config.Config, svc Service, workers int, restartMethod string) (Launcher, error) {
	return LaunchWith(conf, svc, workers, restartMethod, Options{})
}

// LaunchWith is Launch with Options.
func LaunchWith(conf *config.Config, svc Service, workers int, restartMethod string, o Options) (Launcher, error) {
	if restartMethod != RestartReload && restartMethod != RestartMutate {
		return nil, fmt.Errorf("service: invalid restart method %q (want %q or %q)", restartMethod, RestartReload, RestartMutate)
	}
	if workers < 0 {
		return nil, fmt.Errorf("service: number of workers should be positive, not %d", workers)
	}
	if err := RegisterOptions(conf); err != nil {
		return nil, err
	}
	if o.Log == nil {
		// oslo's logger name, so that log searches written for OpenStack
		// services ("oslo_service.service ... Caught SIGTERM") still match.
		o.Log = slog.Default().With("logger", "oslo_service.service")
	}
	b := &base{conf: conf, svc: svc, method: restartMethod, o: o, log: o.Log, sd: notifier{o.Log},
		stopReq: make(chan struct{}, 1), started: time.Now()}
	if w := workerFromEnv(); w != nil {
		return &workerLauncher{base: b, w: w}, nil
	}
	if workers <= 1 {
		return &serviceLauncher{base: b}, nil
	}
	return newProcessLauncher(b, workers), nil
}

// base is what every launcher shares.
type base struct {
	conf    *config.Config
	svc     Service
	method  string
	o       Options
	log     *slog.Logger
	sd      notifier
	stopReq chan struct{}
	started time.Time
}

func (b *base) Stop() {
	select {
	case b.stopReq <- struct{}{}:
	default:
	}
}

func (b *base) daemon() bool {
	if b.o.Daemon != nil {
		return *b.o.Daemon
	}
	return isDaemon()
}

// signals subscribes to the signals a launcher handles. stop releases them.
func (b *base) signals(sigs ...os.Signal) (<-chan os.Signal, func()) {
	if b.o.Signals != nil {
		return b.o.Signals, func() {}
	}
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, sigs...)
	return ch, func() { signal.Stop(ch) }
}

func (b *base) logOptions() {
	if LogOptions.Get(b.conf) {
		b.log.Debug("Full set of CONF:")
		b.conf.LogValues(b.log, slog.LevelDebug)
	}
}

// stopService stops svc within graceful_shutdown_timeout (0: no limit).
func (b *base) stopService() error {
	ctx := context.Background()
	if d := gracefulTimeout(b.conf); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	err := b.svc.Stop(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		b.log.Info("Graceful shutdown timeout exceeded, instantaneous exiting")
		return errors.Join(ErrShutdownTimeout, err)
	}
	return err
}

// reloadConfig applies the restart method to the configuration; on an
// error the running configuration is kept and the error is logged.
func (b *base) reloadConfig() error {
	var err error
	if b.method == RestartReload {
		err = b.conf.Reload()
	} else {
		_, err = b.conf.Mutate()
	}
	if err != nil {
		b.log.Error("Caught Error while reloading configure files, keeping the running configuration", "method", b.method, "err", err)
	}
	return err
}

func (b *base) reset(ctx context.Context) {
	if r, ok := b.svc.(Resetter); ok {
		r.Reset(ctx)
	}
}

func failedCh(svc Service) <-chan struct{} {
	if f, ok := svc.(Failer); ok {
		return f.Failed()
	}
	return nil
}

func failErr(svc Service) error {
	if f, ok := svc.(Failer); ok {
		return f.Err()
	}
	return nil
}

func watchdogTicker() (<-chan time.Time, func()) {
	d := watchdogInterval()
	if d <= 0 {
		return nil, func() {}
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// serviceLauncher runs the services in this process (oslo's
// ServiceLauncher).
type serviceLauncher struct {
	*base
}

func (l *serviceLauncher) Wait() error {
	ctx := context.Background()
	// Signals are caught before the service starts: a SIGTERM must never
	// find it serving with the default action (death) still in place.
	sigs, release := l.signals(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2)
	defer release()
	defer CloseListeners()
	if err := l.svc.Start(ctx); err != nil {
		return err
	}
	l.sd.ready()
	l.notifyUpgradeParent()
	l.logOptions()
	l.releaseStartupMemory()
	wd, stopWD := watchdogTicker()
	defer stopWD()
	up := newUpgrader(l.base)
	defer up.abort()
	for {
		select {
		case sig := <-sigs:
			switch sig {
			case syscall.SIGTERM:
				l.log.Info("Caught SIGTERM, stopping")
				l.sd.stopping()
				return l.stopService()
			case syscall.SIGINT:
				l.log.Info("Caught SIGINT signal, instantaneous exiting")
				return ErrInterrupted
			case syscall.SIGHUP:
				if !l.daemon() {
					l.log.Info("Caught SIG_UNBLOCK, stopping: not a daemon")
					l.sd.stopping()
					return l.stopService()
				}
				l.log.Info("Caught SIG_UNBLOCK, handling")
				l.restart(ctx)
			case syscall.SIGUSR2:
				writeReport(l.base, nil)
			case syscall.SIGUSR1:
				up.start()
			}
		case <-up.ready():
			l.log.Info("New process is ready, handing over", "pid", up.pid())
			l.sd.mainPID(up.pid())
			up.release()
			return l.stopService()
		case <-up.failed():
			up.abort()
		case <-l.stopReq:
			l.sd.stopping()
			return l.stopService()
		case <-failedCh(l.svc):
			err := failErr(l.svc)
			l.log.Error("Service failed, stopping", "err", err)
			return errors.Join(err, l.stopService())
		case <-wd:
			l.sd.send("WATCHDOG=1")
		}
	}
}

// restart handles SIGHUP in a daemon: reload or mutate the configuration,
// then restart (reload) or reset (mutate) the services. A configuration
// that fails to load changes nothing.
func (l *serviceLauncher) restart(ctx context.Context) {
	l.sd.reloading()
	defer l.sd.ready()
	if l.reloadConfig() != nil {
		return
	}
	l.reset(ctx)
	if l.method != RestartReload {
		return
	}
	var err error
	if r, ok := l.svc.(Restarter); ok {
		err = r.Restart(ctx)
	} else if err = l.svc.Stop(ctx); err == nil {
		err = l.svc.Start(ctx)
	}
	if err != nil {
		l.log.Error("Restarting the service failed", "err", err)
	}
}

// The environment of a worker process.
const (
	envWorker     = "GOSLO_WORKER"      // "GENERATION:INDEX"
	envWorkerFDs  = "GOSLO_WORKER_FDS"  // "DEATHPIPE,STATUSPIPE"
	envWorkerMeth = "GOSLO_WORKER_MODE" // the restart method
)

type workerInfo struct {
	gen, index    string
	death, status *os.File
}

// A worker ignores SIGHUP from the moment it starts until Launch catches
// it: the parent forwards SIGHUP (mutate) only to ready workers, but one
// sent by hand must not kill a worker that is still starting.
func init() {
	if os.Getenv(envWorker) != "" {
		signal.Ignore(syscall.SIGHUP)
	}
}

func workerFromEnv() *workerInfo {
	id := os.Getenv(envWorker)
	if id == "" {
		return nil
	}
	gen, index, _ := strings.Cut(id, ":")
	w := &workerInfo{gen: gen, index: index}
	var d, s int
	if _, err := fmt.Sscanf(os.Getenv(envWorkerFDs), "%d,%d", &d, &s); err == nil {
		w.death = os.NewFile(uintptr(d), "parent-death-pipe")
		w.status = os.NewFile(uintptr(s), "status-pipe")
	}
	for _, k := range []string{envWorker, envWorkerFDs, envWorkerMeth} {
		os.Unsetenv(k)
	}
	return w
}

// workerLauncher runs the services in a worker process of a
// ProcessLauncher: it tells the parent when it is ready, and stops when
// the parent tells it (SIGTERM) or dies.
type workerLauncher struct {
	*base
	w *workerInfo
}

func (l *workerLauncher) Wait() error {
	ctx := context.Background()
	// Once stopped, a worker only has to exit: a SIGTERM that arrives
	// now (the parent stopping while this one drains) must not kill it
	// with a signal status, which the parent would count as a failed stop.
	defer func() {
		if l.o.Signals == nil {
			signal.Ignore(syscall.SIGTERM, syscall.SIGHUP)
		}
	}()
	parentGone := make(chan struct{})
	if l.w.death != nil {
		go func() {
			buf := make([]byte, 1)
			l.w.death.Read(buf) // returns when the parent's end closes
			close(parentGone)
		}()
	}
	sigs, release := l.signals(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR2)
	defer release()
	if err := l.svc.Start(ctx); err != nil {
		return err
	}
	if l.w.status != nil {
		fmt.Fprintf(l.w.status, "READY %d\n", os.Getpid())
	}
	l.releaseStartupMemory()
	for {
		select {
		case sig := <-sigs:
			switch sig {
			case syscall.SIGTERM:
				return l.stopService()
			case syscall.SIGINT:
				return ErrInterrupted
			case syscall.SIGHUP:
				l.log.Info("Child caught SIG_UNBLOCK, handling")
				if l.reloadConfig() == nil {
					l.reset(ctx)
					if l.method == RestartReload {
						if r, ok := l.svc.(Restarter); ok {
							if err := r.Restart(ctx); err != nil {
								l.log.Error("Restarting the service failed", "err", err)
							}
						}
					}
				}
			case syscall.SIGUSR2:
				writeReport(l.base, nil)
			}
		case <-parentGone:
			l.log.Info("Parent process has died unexpectedly, exiting")
			return errors.Join(errors.New("service: parent process died"), l.stopService())
		case <-l.stopReq:
			return l.stopService()
		case <-failedCh(l.svc):
			err := failErr(l.svc)
			l.log.Error("Service failed, stopping", "err", err)
			return errors.Join(err, l.stopService())
		}
	}
}

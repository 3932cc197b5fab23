// Package service runs services the way oslo.service does: in one process
// (ServiceLauncher) or in N worker processes under a supervising parent
// (ProcessLauncher), with oslo's signal semantics.
//
// A program builds its Service (usually a wsgi.Server and the manager's
// periodic tasks, combined with NewServices), then calls Launch with the
// number of workers and the restart method, then Wait:
//
//	l, err := service.Launch(conf, svc, workers, service.RestartMutate)
//	if err != nil { ... }
//	if err := l.Wait(); err != nil { os.Exit(1) }
//
// # Signals
//
// SIGTERM stops gracefully: the services stop taking work and finish what
// is in flight, within graceful_shutdown_timeout (0: no limit), then the
// rest is forced. SIGINT exits at once. SIGHUP, in a daemon (stdout is not
// the terminal of the foreground process group, oslo's _is_daemon),
// applies the restart method: "reload" re-reads the configuration files
// and restarts the services; "mutate" applies the changed mutable options
// in place and calls the services' Reset. SIGHUP in the foreground stops,
// as in oslo. A configuration that fails to load on SIGHUP is logged and
// everything goes on with the running configuration (oslo's mutate takes
// the service down). Log lines keep oslo's wording, including its name for
// SIGHUP, "SIG_UNBLOCK".
//
// Beyond oslo: SIGUSR2 writes a report (version, process, workers, the
// configuration with secrets masked, every goroutine's stack) to stderr or
// to [oslo_reports] log_dir; SIGUSR1 upgrades the running binary without
// closing a socket (a new process takes over once it is ready, as nginx
// and tableflip do); SIGTTIN and SIGTTOU add and remove a worker.
//
// # Workers
//
// Go cannot fork a running runtime, so a worker is this same executable
// started again, with the same arguments, and the listening sockets as
// inherited file descriptors: the program's main runs again in the worker
// (config, logging, building the service) and Launch, seeing it is a
// worker, runs the service there. Listen gives the inherited socket in a
// worker, the one systemd passed (socket activation), or a new one; the
// parent opens the sockets once and keeps them for its whole life, so
// restarting workers never refuses a connection. The parent never serves.
//
// A dead worker is started again at once, no faster than oslo allows
// (more than N starts within N seconds waits a second). SIGHUP with
// reload replaces the workers with no gap: the new ones start, and the
// old ones are told to stop (and drain) only when every new one is ready;
// if the new ones fail, the old ones stay. Workers stop when the parent
// dies, even by SIGKILL (a pipe they watch, and PR_SET_PDEATHSIG). As PID
// 1 (in a container) the parent also reaps orphaned processes.
//
// # systemd
//
// READY=1 once serving, RELOADING=1 with MONOTONIC_USEC during a SIGHUP
// (Type=notify-reload works; the main pid does not change), STOPPING=1,
// watchdog pings when WATCHDOG_USEC is set. Workers do not talk to
// systemd.
package service

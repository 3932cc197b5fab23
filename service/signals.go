package service

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalName names a signal in log lines the way oslo.service does. oslo
// builds its number-to-name map from every signal.SIG* constant, and
// SIG_UNBLOCK (1) overwrites SIGHUP, so its logs say "Caught SIG_UNBLOCK";
// goslo keeps that spelling so that log searches written for OpenStack
// services still match.
func signalName(s os.Signal) string {
	sig, ok := s.(syscall.Signal)
	if !ok {
		return s.String()
	}
	switch sig {
	case syscall.SIGHUP:
		return "SIG_UNBLOCK"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGUSR1:
		return "SIGUSR1"
	case syscall.SIGUSR2:
		return "SIGUSR2"
	case syscall.SIGTTIN:
		return "SIGTTIN"
	case syscall.SIGTTOU:
		return "SIGTTOU"
	case syscall.SIGCHLD:
		return "SIGCHLD"
	}
	return unix.SignalName(sig)
}

// isDaemon is oslo's _is_daemon: the process is a daemon unless its stdout
// is a terminal whose foreground process group is ours. On SIGHUP a daemon
// reloads; a foreground process stops.
func isDaemon() bool {
	pgrp, err := unix.IoctlGetInt(1, unix.TIOCGPGRP)
	if err != nil {
		return true // ENOTTY: stdout is a file or a pipe
	}
	return pgrp != unix.Getpgrp()
}

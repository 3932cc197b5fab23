package service

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// notifier talks to systemd's notify socket. NOTIFY_SOCKET stays set so
// that watchdog pings keep working (daemon.SdNotify(false, ...)); worker
// processes are started without it, so only the main process notifies.
type notifier struct{ log *slog.Logger }

func (n notifier) send(state string) {
	if ok, err := daemon.SdNotify(false, state); err != nil {
		n.log.Debug("systemd notification failed", "state", state, "err", err)
	} else if ok {
		n.log.Debug("systemd notified", "state", state)
	}
}

func (n notifier) ready()    { n.send(daemon.SdNotifyReady) }
func (n notifier) stopping() { n.send(daemon.SdNotifyStopping) }

// reloading tells systemd a reload started (Type=notify-reload needs the
// monotonic timestamp).
func (n notifier) reloading() {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	usec := ts.Sec*1e6 + ts.Nsec/1e3
	n.send(daemon.SdNotifyReloading + "\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10))
}

func (n notifier) mainPID(pid int) { n.send(fmt.Sprintf("MAINPID=%d", pid)) }

// watchdogInterval is half of WATCHDOG_USEC when the watchdog is on for
// this process, else 0.
func watchdogInterval() time.Duration {
	d, err := daemon.SdWatchdogEnabled(false)
	if err != nil || d <= 0 {
		return 0
	}
	return d / 2
}

// notifyEnv lists the variables a child must not inherit: only the main
// process talks to systemd.
var notifyEnv = []string{"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"}

func childEnv(extra ...string) []string {
	var env []string
outer:
	for _, kv := range os.Environ() {
		for _, k := range notifyEnv {
			if len(kv) > len(k) && kv[:len(k)+1] == k+"=" {
				continue outer
			}
		}
		for _, e := range extra {
			if k, _, _ := cut(e); len(kv) > len(k) && kv[:len(k)+1] == k+"=" {
				continue outer
			}
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func cut(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

package service_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// notifySocket is a fake systemd notify socket: it collects the datagrams
// the service sends.
type notifySocket struct {
	path string
	conn *net.UnixConn
	mu   sync.Mutex
	msgs []string
	done chan struct{}
}

func newNotifySocket(t *testing.T) *notifySocket {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	n := &notifySocket{path: path, conn: conn, done: make(chan struct{})}
	go func() {
		defer close(n.done)
		buf := make([]byte, 4096)
		for {
			k, _, err := conn.ReadFromUnix(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, string(buf[:k]))
			n.mu.Unlock()
		}
	}()
	t.Cleanup(func() { conn.Close(); <-n.done })
	return n
}

func (n *notifySocket) has(prefix string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, m := range n.msgs {
		if strings.HasPrefix(m, prefix) {
			c++
		}
	}
	return c
}

func (n *notifySocket) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string{}, n.msgs...)
}

// startWithEnv starts the test service with extra environment and returns
// it (the same helper as start, with env).
func startWithEnv(t *testing.T, conf string, env ...string) *proc {
	t.Helper()
	extraEnv = env
	defer func() { extraEnv = nil }()
	return start(t, conf)
}

func TestSystemdNotify(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			n := newNotifySocket(t)
			p := startWithEnv(t, fmt.Sprintf("workers = %d\nrestart_method = reload\n", workers),
				"NOTIFY_SOCKET="+n.path, "WATCHDOG_USEC=200000")
			proctest.WaitFor(t, 10*time.Second, "READY=1", func() bool { return n.has("READY=1") >= 1 })
			// Watchdog pings every WATCHDOG_USEC/2.
			proctest.WaitFor(t, 10*time.Second, "watchdog pings", func() bool { return n.has("WATCHDOG=1") >= 3 })
			p.signal(syscall.SIGHUP)
			proctest.WaitFor(t, 20*time.Second, "RELOADING=1 then READY=1", func() bool {
				return n.has("RELOADING=1") >= 1 && n.has("READY=1") >= 2
			})
			for _, m := range n.all() {
				if strings.HasPrefix(m, "RELOADING=1") && !strings.Contains(m, "MONOTONIC_USEC=") {
					t.Errorf("RELOADING=1 without MONOTONIC_USEC: %q", m)
				}
			}
			p.signal(syscall.SIGTERM)
			if code := p.waitExit(20 * time.Second); code != 0 {
				t.Errorf("exit status %d", code)
			}
			if n.has("STOPPING=1") < 1 {
				t.Errorf("no STOPPING=1 in %q", n.all())
			}
			// Only the main process talks to systemd: every message has
			// come from the parent, so there is one READY per start and
			// reload, not one per worker.
			if got := n.has("READY=1"); got != 2 {
				t.Errorf("%d READY=1 messages, want 2 (start, reload): %q", got, n.all())
			}
		})
	}
}

// TestSocketActivation hands the service a listening socket the way
// systemd does (fd 3, LISTEN_FDS=1, LISTEN_PID = its pid): it serves on
// it instead of binding.
func TestSocketActivation(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	defer f.Close()
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, fmt.Appendf(nil, "[DEFAULT]\nworkers = 2\nlisten = 127.0.0.1:%d\n", port), 0o644)
	logPath := filepath.Join(dir, "svc.log")
	logf, _ := os.Create(logPath)
	// sh's $$ is the pid that exec keeps: LISTEN_PID is right.
	cmd := exec.Command("/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" --config-file \"$1\"", svcBin, conf)
	cmd.ExtraFiles = []*os.File{f}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-done
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			t.Logf("log:\n%s", data)
		}
	}()
	pids := map[string]bool{}
	proctest.WaitFor(t, 20*time.Second, "both workers serving on the activated socket", func() bool {
		body, err := getWith(fresh, port, "/")
		if err == nil {
			pids[strings.Fields(body)[0]] = true
		}
		return len(pids) == 2
	})
}

package service

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A binary upgrade replaces the running launcher (the process systemd or
// an operator knows) with a new executable without closing a socket, the
// way nginx and cloudflare/tableflip do it. SIGUSR1 starts it: the old
// process starts the executable again (the file at its path, so a new
// build is picked up) with the listening sockets; the new process starts
// its own services or workers, and when it is ready it says so on a pipe;
// only then does the old one stop, gracefully. If the new process fails or
// is not ready within upgrade_ready_timeout, it is stopped and the old one
// goes on. Under systemd the new process becomes MAINPID (this needs
// NotifyAccess=all in the unit).

const (
	envUpgradeFD = "GOSLO_UPGRADE_FD" // the new process writes READY here
)

type upgrader struct {
	b *base

	mu       sync.Mutex
	proc     *os.Process
	readyC   chan struct{}
	failC    chan struct{}
	timer    *time.Timer
	released bool
}

func newUpgrader(b *base) *upgrader { return &upgrader{b: b} }

func (u *upgrader) ready() <-chan struct{} {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.readyC
}

func (u *upgrader) failed() <-chan struct{} {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.failC
}

func (u *upgrader) pid() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.proc == nil {
		return 0
	}
	return u.proc.Pid
}

func (u *upgrader) start() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.proc != nil {
		u.b.log.Warn("An upgrade is already in progress; SIGUSR1 ignored")
		return
	}
	exe, err := os.Executable()
	if err != nil {
		u.b.log.Error("Upgrade failed", "err", err)
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		u.b.log.Error("Upgrade failed", "err", err)
		return
	}
	defer w.Close()
	keys, socks := listenerFiles()
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr, w}
	var listen []string
	for i, k := range keys {
		files = append(files, socks[i])
		listen = append(listen, k+"="+strconv.Itoa(len(files)-1))
	}
	env := append(os.Environ(), envUpgradeFD+"=3", envListen+"="+strings.Join(listen, ";"))
	proc, err := os.StartProcess(exe, os.Args, &os.ProcAttr{Env: env, Files: files})
	if err != nil {
		r.Close()
		u.b.log.Error("Upgrade failed", "err", err)
		return
	}
	u.b.log.Info("Caught SIGUSR1, started a new process to take over", "pid", proc.Pid, "executable", exe)
	u.proc = proc
	u.readyC, u.failC = make(chan struct{}), make(chan struct{})
	readyC, failC := u.readyC, u.failC
	var once sync.Once
	fail := func() { once.Do(func() { close(failC) }) }
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY") {
				once.Do(func() { close(readyC) })
				return
			}
		}
		fail() // the pipe closed without READY: the new process died
	}()
	d := time.Duration(UpgradeTimeout.Get(u.b.conf)) * time.Second
	u.timer = time.AfterFunc(d, fail)
}

// release hands over: the new process keeps running after this one exits.
func (u *upgrader) release() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.released = true
	if u.timer != nil {
		u.timer.Stop()
	}
	if u.proc != nil {
		u.proc.Release()
	}
}

// abort stops a new process that did not take over.
func (u *upgrader) abort() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.proc == nil || u.released {
		return
	}
	if u.timer != nil {
		u.timer.Stop()
	}
	u.b.log.Error("Upgrade failed: the new process did not become ready; keeping this one", "pid", u.proc.Pid)
	u.proc.Signal(os.Kill)
	u.proc.Wait()
	u.proc = nil
	u.readyC, u.failC = nil, nil
}

// notifyUpgradeParent tells the process that started this one for an
// upgrade that this one is ready to take over.
func (b *base) notifyUpgradeParent() {
	fdText := os.Getenv(envUpgradeFD)
	if fdText == "" {
		return
	}
	os.Unsetenv(envUpgradeFD)
	fd, err := strconv.Atoi(fdText)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "upgrade-pipe")
	fmt.Fprintf(f, "READY %d\n", os.Getpid())
	f.Close()
	b.sd.mainPID(os.Getpid())
}

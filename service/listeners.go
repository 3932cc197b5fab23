package service

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
	"golang.org/x/sys/unix"
)

// Listening sockets belong to the process, not to a server: they are
// opened once (or handed over by systemd, or by the parent launcher to a
// worker) and stay open across restarts of the servers that use them, so a
// reload never refuses a connection. Listen gives each server generation
// its own view of a socket: closing that view stops this generation from
// accepting without closing the socket under the next one.

// envListen tells a worker which inherited file descriptors are which
// sockets: "KEY=FD;KEY=FD".
const envListen = "GOSLO_LISTEN_FDS"

type socket struct {
	key   string
	ln    net.Listener // *net.TCPListener or *net.UnixListener
	file  *os.File     // the same socket, to hand to children
	dl    deadliner
	inUse bool
}

type deadliner interface{ SetDeadline(time.Time) error }

var sockets struct {
	mu        sync.Mutex
	byKey     map[string]*socket
	order     []*socket
	inherited map[string]*os.File // worker: from the parent
	activated []*os.File          // systemd socket activation, unclaimed
	loaded    bool
}

func socketKey(network, address string) string { return network + "/" + address }

// loadInherited reads the sockets this process was given: by a parent
// launcher (GOSLO_LISTEN_FDS) and by systemd (LISTEN_FDS, LISTEN_PID).
func loadInherited() {
	if sockets.loaded {
		return
	}
	sockets.loaded = true
	sockets.byKey = map[string]*socket{}
	sockets.inherited = map[string]*os.File{}
	if spec := os.Getenv(envListen); spec != "" {
		for _, kv := range strings.Split(spec, ";") {
			k, fdText, ok := strings.Cut(kv, "=")
			fd, err := strconv.Atoi(fdText)
			if !ok || err != nil {
				continue
			}
			sockets.inherited[k] = os.NewFile(uintptr(fd), k)
		}
		os.Unsetenv(envListen)
	}
	sockets.activated = activation.Files(true)
}

// Listen returns a listening socket for network ("tcp", "tcp4", "tcp6" or
// "unix") and address: the one a parent launcher handed to this worker
// process, else a socket systemd passed in (socket activation) with the
// same address (or the only one left), else a new socket. Each call
// returns a new view of the one socket per address; closing a view does
// not close the socket.
func Listen(network, address string) (Listener, error) {
	sockets.mu.Lock()
	defer sockets.mu.Unlock()
	loadInherited()
	key := socketKey(network, address)
	s := sockets.byKey[key]
	if s == nil {
		var err error
		if s, err = openSocket(network, address, key); err != nil {
			return nil, err
		}
		sockets.byKey[key] = s
		sockets.order = append(sockets.order, s)
	}
	s.inUse = true
	return &view{s: s}, nil
}

func openSocket(network, address, key string) (*socket, error) {
	if f := sockets.inherited[key]; f != nil {
		delete(sockets.inherited, key)
		return fileSocket(key, f)
	}
	if f := claimActivated(network, address); f != nil {
		return fileSocket(key, f)
	}
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, fmt.Errorf("service: listen %s %s: %w", network, address, err)
	}
	if ul, ok := ln.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(true)
	}
	f, err := dupFile(ln, key)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("service: listen %s %s: %w", network, address, err)
	}
	return &socket{key: key, ln: ln, file: f, dl: ln.(deadliner)}, nil
}

// dupFile duplicates a listener's descriptor into an *os.File that can be
// handed to child processes.
//
// It must not come from TCPListener.File: that file's Fd method, which
// os.StartProcess calls for every file it passes, puts the descriptor in
// blocking mode, and O_NONBLOCK belongs to the socket shared by every
// process. A worker's accept would then block inside the kernel where no
// deadline can wake it, and a draining worker would hang in accept (and
// take one more connection with it as it dies). os.NewFile on a descriptor
// that is already non-blocking leaves the mode alone.
func dupFile(ln net.Listener, name string) (*os.File, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("unsupported listener %T", ln)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	nfd, derr := -1, error(nil)
	if err := rc.Control(func(fd uintptr) { nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, derr
	}
	return os.NewFile(uintptr(nfd), name), nil
}

func fileSocket(key string, f *os.File) (*socket, error) {
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("service: inherited socket %s: %w", key, err)
	}
	d, ok := ln.(deadliner)
	if !ok {
		ln.Close()
		return nil, fmt.Errorf("service: inherited socket %s: unsupported %T", key, ln)
	}
	return &socket{key: key, ln: ln, file: f, dl: d}, nil
}

// claimActivated takes the systemd-activated socket listening on address,
// or, when exactly one activated socket is left, that one.
func claimActivated(network, address string) *os.File {
	if len(sockets.activated) == 0 {
		return nil
	}
	want, _ := net.ResolveTCPAddr("tcp", address)
	for i, f := range sockets.activated {
		ln, err := net.FileListener(f)
		if err != nil {
			continue
		}
		addr := ln.Addr()
		ln.Close()
		match := addr.String() == address
		if ta, ok := addr.(*net.TCPAddr); ok && want != nil && ta.Port == want.Port &&
			(want.IP == nil || want.IP.IsUnspecified() || want.IP.Equal(ta.IP)) {
			match = true
		}
		if match {
			sockets.activated = append(sockets.activated[:i], sockets.activated[i+1:]...)
			return f
		}
	}
	if len(sockets.activated) == 1 {
		f := sockets.activated[0]
		sockets.activated = nil
		return f
	}
	return nil
}

// listenerFiles returns the open sockets to hand to a child process, with
// their keys, in the order they were opened.
func listenerFiles() ([]string, []*os.File) {
	sockets.mu.Lock()
	defer sockets.mu.Unlock()
	var keys []string
	var files []*os.File
	for _, s := range sockets.order {
		keys = append(keys, s.key)
		files = append(files, s.file)
	}
	return keys, files
}

// CloseListeners closes every socket of the process. A launcher calls it
// when it exits; servers do not.
func CloseListeners() error {
	sockets.mu.Lock()
	defer sockets.mu.Unlock()
	var errs []error
	for _, s := range sockets.order {
		errs = append(errs, s.ln.Close(), s.file.Close())
	}
	sockets.byKey = map[string]*socket{}
	sockets.order = nil
	return errors.Join(errs...)
}

// Listener is what Listen returns: a net.Listener that also counts the
// connections it accepted and that are not closed yet.
type Listener interface {
	net.Listener
	// Wait returns once the listener is closed and every connection it
	// accepted is closed, or when ctx is done (with ctx.Err()). A server
	// calls it at the end of a graceful stop: a connection accepted just
	// as the listener closed is still served, and the process must not
	// exit before it is.
	Wait(ctx context.Context) error
}

// view is one server generation's listener on a shared socket.
type view struct {
	s        *socket
	closed   atomic.Bool
	inAccept atomic.Int32

	mu   sync.Mutex
	open int
	idle chan struct{} // closed when closed and open == 0
	done bool
}

// conn is an accepted connection; closing it tells its view.
type conn struct {
	net.Conn
	v    *view
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.v.release)
	return err
}

// NetConn returns the underlying connection (a *net.TCPConn for TCP), as
// tls.Conn.NetConn does.
func (c *conn) NetConn() net.Conn { return c.Conn }

func (v *view) release() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.open--
	v.checkIdle()
}

// checkIdle closes idle once the view is closed and drained; v.mu is held.
func (v *view) checkIdle() {
	if v.closed.Load() && v.open == 0 && !v.done {
		v.done = true
		if v.idle == nil {
			v.idle = make(chan struct{})
		}
		close(v.idle)
	}
}

func (v *view) Wait(ctx context.Context) error {
	v.mu.Lock()
	if v.idle == nil {
		v.idle = make(chan struct{})
	}
	idle := v.idle
	v.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (v *view) Addr() net.Addr { return v.s.ln.Addr() }

// Accept accepts on the shared socket. Another view closing wakes every
// Accept with a timeout; the views still open carry on.
func (v *view) Accept() (net.Conn, error) {
	for {
		// Count ourselves in before checking closed: Close sets closed
		// before it looks at the count, so one of the two sees the other.
		v.inAccept.Add(1)
		if v.closed.Load() {
			v.inAccept.Add(-1)
			return nil, net.ErrClosed
		}
		c, err := v.s.ln.Accept()
		if err == nil {
			// A connection accepted while the view closes is still served
			// by this generation: dropping it would fail a request. It is
			// counted before inAccept drops, so Close's wait sees it.
			v.mu.Lock()
			v.open++
			v.mu.Unlock()
			v.inAccept.Add(-1)
			return &conn{Conn: c, v: v}, nil
		}
		v.inAccept.Add(-1)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if v.closed.Load() {
				return nil, net.ErrClosed
			}
			v.s.dl.SetDeadline(time.Time{})
			continue
		}
		return nil, err
	}
}

// Close stops this view's Accept without closing the socket.
func (v *view) Close() error {
	if v.closed.Swap(true) {
		return nil
	}
	for i := 0; v.inAccept.Load() > 0 && i < 1000; i++ {
		v.s.dl.SetDeadline(time.Unix(1, 0))
		time.Sleep(time.Millisecond)
	}
	v.mu.Lock()
	v.checkIdle()
	v.mu.Unlock()
	return nil
}

package soak

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// What the tests read from /proc besides the workers (internal/proctest):
// the service's side of a client's TCP connection (whether a worker has
// accepted it and read what the client sent, and which worker holds it).

// reap waits for those of pids that were re-parented to the test (it is
// a child subreaper) and have exited; any pid that is not the test's
// child is left alone, so that a running service's exec.Cmd keeps its
// own.
func reap(pids []int) {
	for _, pid := range pids {
		var ws syscall.WaitStatus
		syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
	}
}

// reapAll waits for every child of the test that has exited.
func reapAll() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// tcpSocket is one line of /proc/net/tcp.
type tcpSocket struct {
	inode   uint64 // 0 while the connection waits in the accept queue
	rxQueue int    // bytes received that the process has not read yet
}

// serverSocket finds the service's end of the loopback connection from
// clientPort to svcPort.
func serverSocket(svcPort, clientPort int) (tcpSocket, bool) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return tcpSocket{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 10 || hexPort(fs[1]) != svcPort || hexPort(fs[2]) != clientPort {
			continue
		}
		_, rx, _ := strings.Cut(fs[4], ":")
		q, _ := strconv.ParseInt(rx, 16, 64)
		inode, _ := strconv.ParseUint(fs[9], 10, 64)
		return tcpSocket{inode: inode, rxQueue: int(q)}, true
	}
	return tcpSocket{}, false
}

// hexPort reads the port of an address of /proc/net/tcp ("0100007F:1F90").
func hexPort(addr string) int {
	_, p, ok := strings.Cut(addr, ":")
	if !ok {
		return -1
	}
	n, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return -1
	}
	return int(n)
}

// socketOwner returns which of pids has the socket inode open, or 0.
func socketOwner(inode uint64, pids []int) int {
	want := fmt.Sprintf("socket:[%d]", inode)
	for _, pid := range pids {
		dir := fmt.Sprintf("/proc/%d/fd", pid)
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if l, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && l == want {
				return pid
			}
		}
	}
	return 0
}

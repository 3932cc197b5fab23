package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

var binary struct {
	once      sync.Once
	dir, path string
	err       error
}

// pyrefBinary builds this command once per test binary.
func pyrefBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "pyref-test"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "pyref")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", binary.path, "github.com/goslo/goslo/examples/pyref").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("building pyref: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// waitFor polls cond until it holds, failing the test after within (a
// bound for a broken service, not a measure of a working one).
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		<-tick.C
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

var tickRE = regexp.MustCompile(`(?m) INFO pyref \[-\] periodic tick n=\d+ pid=(\d+) t=\d+\.\d{6}$`)

// TestProcess runs the command as an operator does, with pyref's own
// pyref.conf and a second file that overrides the port, the workers and
// the log file (as pyref's run.sh does): two workers serve, each runs the
// periodic tick, SIGHUP (mutate) changes [api] greeting in the workers,
// and SIGTERM stops everything with exit status 0.
func TestProcess(t *testing.T) {
	bin := pyrefBinary(t)
	dir := t.TempDir()
	shipped, err := filepath.Abs("etc/pyref.conf")
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	logFile := filepath.Join(dir, "pyref.log")
	override := filepath.Join(dir, "override.conf")
	write := func(greeting string) {
		text := fmt.Sprintf("[DEFAULT]\nbind_port = %d\nworkers = 2\nlog_file = %s\n[api]\ngreeting = %s\n", port, logFile, greeting)
		if err := os.WriteFile(override, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("hello")
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "--config-file", shipped, "--config-file", override)
	cmd.Dir = dir // pyref.conf's relative paths (api-paste.ini is found beside it)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			for _, pid := range proctest.Children(cmd.Process.Pid) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			cmd.Process.Kill()
			<-exited
		}
	})

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	get := func(path string) (int, []byte) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var b []byte
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b
	}
	waitFor(t, 30*time.Second, "GET / 200", func() bool { code, _ := get("/"); return code == http.StatusOK })
	waitFor(t, 30*time.Second, "two workers", func() bool { return len(proctest.Children(cmd.Process.Pid)) == 2 })
	workers := proctest.Children(cmd.Process.Pid)
	waitFor(t, 30*time.Second, "a periodic tick in each worker", func() bool {
		b, _ := os.ReadFile(logFile)
		seen := map[string]bool{}
		for _, m := range tickRE.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		return seen[strconv.Itoa(workers[0])] && seen[strconv.Itoa(workers[1])]
	})
	if code, body := get("/v1/items"); code != http.StatusOK || len(body) < 400 {
		t.Errorf("GET /v1/items: %d %s", code, body)
	}

	greeting := func() string {
		code, body := get("/v1/config")
		var c struct{ Greeting string }
		if code != http.StatusOK || json.Unmarshal(body, &c) != nil {
			return ""
		}
		return c.Greeting
	}
	if g := greeting(); g != "hello" {
		t.Fatalf("greeting %q before SIGHUP", g)
	}
	write("changed")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	// Each new connection may reach either worker: both must answer the
	// new greeting, ten times in a row.
	inARow := 0
	waitFor(t, 30*time.Second, "the mutated greeting in every worker", func() bool {
		if greeting() == "changed" {
			inARow++
		} else {
			inARow = 0
		}
		return inARow >= 10
	})

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			b, _ := os.ReadFile(logFile)
			t.Fatalf("exit after SIGTERM: %v\n%s", err, b)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("still running 60 s after SIGTERM")
	}
	for _, pid := range workers {
		if proctest.Alive(pid) {
			t.Errorf("worker %d outlived its parent", pid)
		}
	}
}

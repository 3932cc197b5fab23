package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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

var tickRE = regexp.MustCompile(`(?m) INFO pyref \[-\] periodic tick n=\d+ pid=(\d+) t=\d+\.\d{6}$`)

// TestProcess runs the command as an operator does, with pyref's own
// pyref.conf and a second file that overrides the port, the workers, the
// restart method and the log file (as pyref's run.sh does): it serves,
// each process runs the periodic tick, SIGHUP applies the changed second
// file as the restart method says (mutate: the mutable [api] greeting
// only, as oslo leaves an immutable option such as [api] banner alone;
// reload: both), and SIGTERM stops everything with exit status 0.
func TestProcess(t *testing.T) {
	for _, c := range []struct {
		name          string
		workers       int
		restart       string
		newBanner     string // [api] banner in the file SIGHUP reads
		bannerChanges bool
	}{
		{name: "two workers mutate", workers: 2, restart: "mutate", newBanner: "pyref"},
		{name: "two workers mutate, immutable changed", workers: 2, restart: "mutate", newBanner: "new-banner"},
		{name: "one process reload", workers: 1, restart: "reload", newBanner: "new-banner", bannerChanges: true},
		{name: "two workers reload", workers: 2, restart: "reload", newBanner: "new-banner", bannerChanges: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			testProcess(t, c.workers, c.restart, c.newBanner, c.bannerChanges)
		})
	}
}

func testProcess(t *testing.T, workers int, restart, newBanner string, bannerChanges bool) {
	bin := pyrefBinary(t)
	dir := t.TempDir()
	shipped, err := filepath.Abs("etc/pyref.conf")
	if err != nil {
		t.Fatal(err)
	}
	port := proctest.FreePort(t)
	logFile := filepath.Join(dir, "pyref.log")
	override := filepath.Join(dir, "override.conf")
	write := func(greeting, banner string) {
		text := fmt.Sprintf("[DEFAULT]\nbind_port = %d\nworkers = %d\nrestart_method = %s\nlog_file = %s\n[api]\ngreeting = %s\nbanner = %s\n",
			port, workers, restart, logFile, greeting, banner)
		if err := os.WriteFile(override, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("hello", "pyref")
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "--config-file", shipped, "--config-file", override)
	cmd.Dir = dir // pyref.conf's relative paths (api-paste.ini is found beside it)
	// stdout is not a terminal: a daemon, for which SIGHUP applies the
	// restart method (in the foreground it stops, as in oslo).
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
	get := func(path string) (int, []byte) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, nil
		}
		return resp.StatusCode, b
	}
	proctest.WaitFor(t, 30*time.Second, "GET / 200", func() bool { code, _ := get("/"); return code == http.StatusOK })
	// The processes that serve: the workers, or the process itself.
	servers := func() []int {
		if workers == 1 {
			return []int{cmd.Process.Pid}
		}
		return proctest.Children(cmd.Process.Pid)
	}
	proctest.WaitFor(t, 30*time.Second, "the workers", func() bool { return len(servers()) == workers })
	pids := servers()
	servers = func() []int { return pids }
	proctest.WaitFor(t, 30*time.Second, "a periodic tick in each serving process", func() bool {
		b, _ := os.ReadFile(logFile)
		seen := map[string]bool{}
		for _, m := range tickRE.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		for _, pid := range pids {
			if !seen[strconv.Itoa(pid)] {
				return false
			}
		}
		return true
	})
	if code, body := get("/v1/items"); code != http.StatusOK || len(body) < 400 {
		t.Errorf("GET /v1/items: %d %s", code, body)
	}

	type options struct{ Greeting, Banner string }
	current := func() options {
		code, body := get("/v1/config")
		var o options
		if code != http.StatusOK || json.Unmarshal(body, &o) != nil {
			return options{}
		}
		return o
	}
	if o := current(); o != (options{"hello", "pyref"}) {
		t.Fatalf("options %+v before SIGHUP", o)
	}
	write("changed", newBanner)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	want := options{"changed", "pyref"}
	if bannerChanges {
		want.Banner = newBanner
	}
	// Each new connection may reach any worker: the answer must be the
	// new one ten times in a row.
	inARow := 0
	proctest.WaitFor(t, 30*time.Second, fmt.Sprintf("%+v in every serving process", want), func() bool {
		if current() == want {
			inARow++
		} else {
			inARow = 0
		}
		return inARow >= 10
	})
	if restart == "mutate" && newBanner != "pyref" {
		// oslo's warning for the immutable option it leaves alone (in the
		// parent with workers, or the process itself).
		proctest.WaitFor(t, 30*time.Second, "the warning for [api] banner", func() bool {
			b, _ := os.ReadFile(logFile)
			return strings.Contains(string(b), "Ignoring change to immutable option api.banner")
		})
	}

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
	for _, pid := range servers() {
		if proctest.Alive(pid) {
			t.Errorf("process %d outlived the service", pid)
		}
	}
}

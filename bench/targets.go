package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// target is one server under test: the goslo example, the same handlers
// on bare net/http, or pyref.
type target struct {
	name  string
	paths map[string]string // scenario -> path: "root", "list10"
	// start runs it with n workers on port and returns its main pid.
	start func(ctx context.Context, workers, port int, dir string) (*exec.Cmd, error)
	// setup, when set, prepares the data the measurements read.
	setup func(ctx context.Context, base string) error
	// ticks, when set, is where its one-second periodic task logs.
	ticks *tickSource
}

// freePort picks a loopback port nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// firstOK polls url with new connections until it answers 200.
func firstOK(ctx context.Context, url string, within time.Duration) error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s: no 200 within %v", url, within)
}

// stop sends SIGTERM to the process and waits (SIGKILL after 30 s).
func stop(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		for _, pid := range tree(cmd.Process.Pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		<-done
	}
}

// pyrefTarget runs ../shared/reference/pyref the way its run.sh does, in
// the foreground so that this program owns the process.
func pyrefTarget(dir string) target {
	return target{
		name:  "pyref",
		paths: map[string]string{"root": "/", "list10": "/v1/items"},
		ticks: &tickSource{line: pyrefTick, log: func(run string, port int) string {
			return filepath.Join(run, fmt.Sprintf("pyref-%d.log", port))
		}},
		start: func(ctx context.Context, workers, port int, run string) (*exec.Cmd, error) {
			conf := filepath.Join(run, fmt.Sprintf("pyref-%d.conf", port))
			text := fmt.Sprintf("[DEFAULT]\nbind_port = %d\nworkers = %d\nrestart_method = mutate\nlog_file = %s\n",
				port, workers, filepath.Join(run, fmt.Sprintf("pyref-%d.log", port)))
			if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
				return nil, err
			}
			cmd := exec.CommandContext(ctx, "/usr/bin/python3", "pyref.py", "--config-file", "pyref.conf", "--config-file", conf)
			cmd.Dir = dir
			cmd.Stdout, cmd.Stderr = nil, nil
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			return cmd, cmd.Start()
		},
	}
}

// binaryTarget runs a goslo binary with a config file made for the run.
func binaryTarget(name, bin string, paths map[string]string, confText func(workers, port int, dir string) string) target {
	return target{
		name:  name,
		paths: paths,
		start: func(ctx context.Context, workers, port int, run string) (*exec.Cmd, error) {
			conf := filepath.Join(run, name+"-"+strconv.Itoa(port)+".conf")
			if err := os.WriteFile(conf, []byte(confText(workers, port, run)), 0o644); err != nil {
				return nil, err
			}
			cmd := exec.CommandContext(ctx, bin, "--config-file", conf)
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			logf, err := os.Create(filepath.Join(run, name+"-"+strconv.Itoa(port)+".out"))
			if err != nil {
				return nil, err
			}
			cmd.Stdout, cmd.Stderr = logf, logf
			err = cmd.Start()
			logf.Close()
			return cmd, err
		},
	}
}

func hasPython(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "pyref.py")); err != nil {
		return false
	}
	out, err := exec.Command("/usr/bin/python3", "-c", "import oslo_service, paste.deploy, oslo_middleware, routes, webob, eventlet").CombinedOutput()
	return err == nil && !strings.Contains(string(out), "Error")
}

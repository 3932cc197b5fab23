package main

import (
	"context"
	"fmt"
	"io"
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
	// command makes ready the command that runs it with n workers on
	// port (its files in dir), before the clock of its start-up starts.
	command func(ctx context.Context, workers, port int, dir string) (process, error)
	// setup, when set, prepares the data the measurements read.
	setup func(ctx context.Context, base string) error
	// oneProcess: it runs one process whatever the worker count (the
	// bare server), so there are no workers to wait for.
	oneProcess bool
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

// process is a server's command, not started yet.
type process struct {
	*exec.Cmd
	out *os.File // its stdout and stderr, if a file: closed once started
}

// start starts it; its stdout file is then the child's alone.
func (p process) start() error {
	err := p.Start()
	if p.out != nil {
		p.out.Close()
	}
	return err
}

// private copies the executable bin into dir under a name of its own and
// returns the copy's path. Each server runs its own copy so that the
// servers that run side by side in the idle window do not share their
// executable's pages: those pages count in RSS, PSS and USS as if the
// server ran alone (goslo and goslo-noaccesslog run one binary, at each
// worker count).
func private(bin, dir string, port int) (string, error) {
	src, err := os.Open(bin)
	if err != nil {
		return "", err
	}
	defer src.Close()
	path := filepath.Join(dir, fmt.Sprintf("%s-%d", filepath.Base(bin), port))
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", err
	}
	return path, dst.Close()
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
	logPath := runLog("pyref")
	return target{
		name:  "pyref",
		paths: map[string]string{"root": "/", "list10": "/v1/items"},
		ticks: &tickSource{line: pyrefTick, log: logPath},
		command: func(ctx context.Context, workers, port int, run string) (process, error) {
			conf := filepath.Join(run, fmt.Sprintf("pyref-%d.conf", port))
			text := pyrefRunConf(workers, port, logPath(run, port))
			if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
				return process{}, err
			}
			// Its own copy of the interpreter, as each Go server runs its
			// own copy of its executable (see private): the two pyrefs
			// idle side by side. The extension modules and libraries it
			// loads are still shared with the other pyref (and with any
			// other Python on the machine), which takes 4-5 MiB off a lone
			// pyref's USS and PSS (RSS does not change); see RESULTS.md.
			python, err := filepath.EvalSymlinks("/usr/bin/python3")
			if err != nil {
				return process{}, err
			}
			if python, err = private(python, run, port); err != nil {
				return process{}, err
			}
			cmd := exec.CommandContext(ctx, python, "pyref.py", "--config-file", "pyref.conf", "--config-file", conf)
			cmd.Dir = dir
			cmd.Stdout, cmd.Stderr = nil, nil
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			return process{Cmd: cmd}, nil
		},
	}
}

// runLog returns where a target whose files are named prefix-PORT logs in
// a run: its configuration says so, and its tickSource reads it there.
func runLog(prefix string) func(run string, port int) string {
	return func(run string, port int) string {
		return filepath.Join(run, prefix+"-"+strconv.Itoa(port)+".log")
	}
}

// pyrefRunConf is the second configuration file pyref's run.sh writes
// (port, workers, restart method, log file); goslo-pyrefapp, pyref on
// goslo, starts with the same one.
func pyrefRunConf(workers, port int, logFile string) string {
	return fmt.Sprintf("[DEFAULT]\nbind_port = %d\nworkers = %d\nrestart_method = mutate\nlog_file = %s\n",
		port, workers, logFile)
}

// binaryTarget runs a goslo binary with the config files base, then a
// config file made for the run. Its working directory is the run's, where
// relative paths of its files land.
func binaryTarget(name, bin string, paths map[string]string, confText func(workers, port int, dir string) string, base ...string) target {
	return target{
		name:  name,
		paths: paths,
		command: func(ctx context.Context, workers, port int, run string) (process, error) {
			conf := filepath.Join(run, name+"-"+strconv.Itoa(port)+".conf")
			if err := os.WriteFile(conf, []byte(confText(workers, port, run)), 0o644); err != nil {
				return process{}, err
			}
			exe, err := private(bin, run, port)
			if err != nil {
				return process{}, err
			}
			var args []string
			for _, b := range append(base, conf) {
				args = append(args, "--config-file", b)
			}
			cmd := exec.CommandContext(ctx, exe, args...)
			cmd.Dir = run
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			logf, err := os.Create(filepath.Join(run, name+"-"+strconv.Itoa(port)+".out"))
			if err != nil {
				return process{}, err
			}
			cmd.Stdout, cmd.Stderr = logf, logf
			return process{Cmd: cmd, out: logf}, nil
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

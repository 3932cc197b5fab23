package soak

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// config is what a scenario sets in the service's configuration file,
// read after the example's own etc/compute-api.conf (so its paste
// pipeline, middleware options and log levels are the shipped ones).
type config struct {
	workers    int
	method     string // restart_method
	buildDelay int    // [compute] build_delay
	purge      int    // [compute] purge_interval, which is not mutable; 0 leaves it out
	debug      bool
	connection string // [database] connection; "" is SQLite under state_path
}

func (c config) text(state string, port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[DEFAULT]\nstate_path = %s\ncompute_api_listen = 127.0.0.1\ncompute_api_listen_port = %d\n", state, port)
	fmt.Fprintf(&b, "compute_api_workers = %d\nrestart_method = %s\ngraceful_shutdown_timeout = 60\n", c.workers, c.method)
	// Periodic tasks start at once (not up to a minute later), so that a
	// change of build_delay shows within a second.
	fmt.Fprintf(&b, "periodic_fuzzy_delay = 0\ndebug = %t\n", c.debug)
	fmt.Fprintf(&b, "\n[compute]\nbuild_delay = %d\n", c.buildDelay)
	if c.purge != 0 {
		fmt.Fprintf(&b, "purge_interval = %d\n", c.purge)
	}
	if c.connection != "" {
		fmt.Fprintf(&b, "\n[database]\nconnection = %s\n", c.connection)
	}
	return b.String()
}

// service is one run of the example service.
type service struct {
	t      testing.TB
	cfg    config
	dir    string // the state, the configuration and the logs
	conf   string
	port   int
	addr   string
	cmd    *exec.Cmd
	log    string
	done   chan struct{}
	err    error
	exited bool
}

// shippedConf is the example's own configuration file.
var shippedConf = filepath.Join("..", "etc", "compute-api.conf")

// startService runs the service with cfg, its state under dir ("" for a
// new directory), and waits until it serves with all its workers. A port
// that another process took meanwhile is replaced by another.
func startService(t testing.TB, cfg config, dir string) *service {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	for attempt := 1; ; attempt++ {
		s, err := tryStart(t, cfg, dir, attempt)
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			t.Fatal(err)
		}
	}
}

var errPortTaken = errors.New("the port was taken")

func tryStart(t testing.TB, cfg config, dir string, attempt int) (*service, error) {
	t.Helper()
	bin := serviceBinary(t)
	s := &service{t: t, cfg: cfg, dir: dir, conf: filepath.Join(dir, "soak.conf"), port: proctest.FreePort(t), done: make(chan struct{})}
	s.addr = fmt.Sprintf("127.0.0.1:%d", s.port)
	s.log = filepath.Join(dir, fmt.Sprintf("compute-api-%d-%d.log", time.Now().UnixNano(), attempt))
	s.writeConfig(cfg)
	logf, err := os.Create(s.log)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "--config-file", shippedConf, "--config-file", s.conf)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	// A race-enabled program sleeps a second at exit unless told not to.
	s.cmd.Env = append(os.Environ(), "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	logf.Close()
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.cleanup)
	ready := func() bool {
		select {
		case <-s.done:
			return true
		default:
		}
		k := &conn{addr: s.addr}
		r, err := k.do("GET", "/healthcheck", nil)
		if err != nil || r.status != http.StatusOK {
			return false
		}
		if cfg.workers <= 1 {
			return true
		}
		return len(proctest.Children(s.pid())) == cfg.workers &&
			strings.Contains(s.logText(), fmt.Sprintf("All %d workers are ready", cfg.workers))
	}
	proctest.WaitFor(t, 2*time.Minute, "the service to serve", ready)
	select {
	case <-s.done:
		s.exited = true
		text := s.logText()
		if strings.Contains(text, "address already in use") {
			return nil, errPortTaken
		}
		return nil, fmt.Errorf("the service exited at start-up (%v):\n%s", s.err, text)
	default:
	}
	return s, nil
}

func (s *service) pid() int { return s.cmd.Process.Pid }

// writeConfig writes the scenario's configuration file.
func (s *service) writeConfig(cfg config) {
	s.cfg = cfg
	s.writeRaw(s.configText(cfg))
}

// configText is the configuration file of cfg for this service.
func (s *service) configText(cfg config) string {
	return cfg.text(filepath.Join(s.dir, "state"), s.port)
}

// writeRaw writes text as the scenario's configuration file.
func (s *service) writeRaw(text string) {
	// Written whole then renamed, so the service never reads half a file.
	tmp := s.conf + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(tmp, s.conf); err != nil {
		s.t.Fatal(err)
	}
}

func (s *service) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal %v: %v", sig, err)
	}
}

func (s *service) logText() string {
	data, _ := os.ReadFile(s.log)
	return string(data)
}

// workers returns the pids that serve: the workers, or the process itself
// when it runs alone.
func (s *service) workers() []int {
	if s.cfg.workers <= 1 {
		return []int{s.pid()}
	}
	return proctest.Children(s.pid())
}

// waitFor is proctest.WaitFor that also stops at once if the service exited.
func (s *service) waitFor(within time.Duration, what string, cond func() bool) {
	s.t.Helper()
	proctest.WaitFor(s.t, within, what, func() bool {
		select {
		case <-s.done:
			s.t.Fatalf("the service exited (%v) while waiting for %s", s.err, what)
		default:
		}
		return cond()
	})
}

// waitLog waits until the log has at least n lines with every one of
// parts.
func (s *service) waitLog(n int, parts ...string) {
	s.t.Helper()
	s.waitFor(time.Minute, fmt.Sprintf("%d log lines with %q", n, parts), func() bool {
		return countLines(s.logText(), parts...) >= n
	})
}

// stop sends SIGTERM and returns the exit status.
func (s *service) stop() int {
	s.t.Helper()
	s.signal(syscall.SIGTERM)
	return s.waitExit(2 * time.Minute)
}

// waitExit waits for the process to end and returns its exit status.
func (s *service) waitExit(within time.Duration) int {
	s.t.Helper()
	t := time.NewTimer(within)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		s.t.Fatalf("the service did not exit within %v", within)
	}
	s.exited = true
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	if s.err != nil {
		s.t.Fatalf("waiting for the service: %v", s.err)
	}
	return 0
}

// cleanup kills what is left (workers die with their parent), checks the
// log for races and panics, and shows the log when the test failed.
func (s *service) cleanup() {
	kids := proctest.Children(s.pid())
	if !s.exited {
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
	}
	// Workers notice their parent's death at once (PDEATHSIG); they are
	// re-parented to the test, which reaps them.
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		reap(kids)
		if !slices.ContainsFunc(kids, proctest.Alive) {
			break
		}
		if time.Now().After(deadline) {
			s.t.Errorf("workers %v outlived the service", kids)
			break
		}
		<-tick.C
	}
	text := s.logText()
	for _, bad := range []string{"WARNING: DATA RACE", "panic:", "fatal error:"} {
		if strings.Contains(text, bad) {
			s.t.Errorf("the service's log has %q", bad)
		}
	}
	if *flagKeep != "" {
		dst := filepath.Join(*flagKeep, strings.ReplaceAll(s.t.Name(), "/", "_")+"-"+filepath.Base(s.log))
		if err := os.CopyFS(dst, os.DirFS(s.dir)); err != nil {
			s.t.Errorf("keeping the run: %v", err)
		}
	}
	if s.t.Failed() {
		lines := strings.Split(text, "\n")
		if len(lines) > 300 {
			lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-300)}, lines[len(lines)-300:]...)
		}
		s.t.Logf("service log %s:\n%s", s.log, strings.Join(lines, "\n"))
	}
}

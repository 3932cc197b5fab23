package service_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/goslo/goslo/internal/proctest"
)

// These tests build testdata/svc, a small HTTP service run by
// service.Launch, start it as a daemon would run (output to a file), and
// drive it with real signals and real requests on 127.0.0.1. They wait on
// conditions (a port file, a response, a pid appearing or going), never on
// bare sleeps; every wait is bounded.

var svcBin string

// extraEnv is added to the environment of the next start (systemd tests).
var extraEnv []string

func TestMain(m *testing.M) {
	// Orphans of our children (a parent killed by the test, an upgraded
	// parent) become our children, so they can be reaped and checked.
	unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	dir, err := os.MkdirTemp("", "svc-bin")
	if err != nil {
		panic(err)
	}
	svcBin = filepath.Join(dir, "svc")
	args := []string{"build", "-o", svcBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, "./testdata/svc")...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building testdata/svc: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

type proc struct {
	t    *testing.T
	dir  string
	conf string
	cmd  *exec.Cmd
	port int
	log  string
	done chan struct{}
	err  error
}

// start runs the test service with conf as its config file and waits
// until it serves.
func start(t *testing.T, conf string) *proc {
	t.Helper()
	dir := t.TempDir()
	p := &proc{t: t, dir: dir, conf: filepath.Join(dir, "svc.conf"), log: filepath.Join(dir, "svc.log"), done: make(chan struct{})}
	p.writeConf(conf)
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(svcBin, "--config-file", p.conf)
	if extraEnv != nil {
		p.cmd.Env = append(os.Environ(), extraEnv...)
	}
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf.Close()
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		reapOrphans()
		if t.Failed() {
			data, _ := os.ReadFile(p.log)
			t.Logf("service log:\n%s", data)
		}
	})
	pf := filepath.Join(dir, "port")
	proctest.WaitFor(t, 20*time.Second, "the port file", func() bool {
		data, err := os.ReadFile(pf)
		if err != nil {
			return false
		}
		p.port, _ = strconv.Atoi(string(data))
		return p.port > 0
	})
	proctest.WaitFor(t, 20*time.Second, "the service to serve", func() bool {
		_, err := p.get("/")
		return err == nil
	})
	return p
}

func (p *proc) writeConf(body string) {
	p.t.Helper()
	text := "[DEFAULT]\nport_file = " + filepath.Join(p.dir, "port") + "\n" + body
	if err := os.WriteFile(p.conf, []byte(text), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// client makes a new connection per request unless keepAlive.
func client(keepAlive bool) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 64}}
}

var fresh = client(false)

func (p *proc) get(path string) (string, error) {
	return getWith(fresh, p.port, path)
}

func getWith(c *http.Client, port int, path string) (string, error) {
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return string(body), fmt.Errorf("status %d", resp.StatusCode)
	}
	return string(body), nil
}

// waitExit waits for the process to exit and returns its exit code.
func (p *proc) waitExit(within time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		p.t.Fatalf("the service did not exit within %v", within)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

func (p *proc) logText() string {
	data, _ := os.ReadFile(p.log)
	return string(data)
}

func reapOrphans() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// load sends requests until stopped and counts the outcomes.
type load struct {
	ok, failed atomic.Int64
	errs       sync.Map
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startLoad(port, clients int, keepAlive bool) *load {
	l := &load{stop: make(chan struct{})}
	for range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			c := client(keepAlive)
			defer c.CloseIdleConnections()
			for n := 0; n < 100000; n++ {
				select {
				case <-l.stop:
					return
				default:
				}
				if _, err := getWith(c, port, "/"); err != nil {
					l.failed.Add(1)
					l.errs.Store(err.Error(), true)
				} else {
					l.ok.Add(1)
				}
			}
		}()
	}
	return l
}

func (l *load) finish(t *testing.T) { t.Helper(); l.finishAllowing(t, 0) }

// finishAllowing stops the load; up to allowed requests may have failed,
// but never by a refused connection.
func (l *load) finishAllowing(t *testing.T, allowed int64) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	t.Logf("load: %d ok, %d failed", l.ok.Load(), l.failed.Load())
	l.errs.Range(func(k, _ any) bool {
		if strings.Contains(k.(string), "refused") {
			t.Errorf("a connection was refused: %s", k)
		}
		return true
	})
	if l.failed.Load() > allowed {
		var errs []string
		l.errs.Range(func(k, _ any) bool { errs = append(errs, k.(string)); return true })
		t.Errorf("%d requests failed: %v", l.failed.Load(), errs)
	}
	if l.ok.Load() == 0 {
		t.Error("no request succeeded")
	}
}

// slow starts a slow request and waits until the service has it in flight.
func (p *proc) slow(ms int) <-chan string {
	p.t.Helper()
	out := make(chan string, 1)
	go func() {
		body, err := p.get(fmt.Sprintf("/slow?ms=%d", ms))
		if err != nil {
			body = "error: " + err.Error()
		}
		out <- body
	}()
	proctest.WaitFor(p.t, 10*time.Second, "the slow request to be in flight", func() bool {
		body, err := p.get("/inflight")
		return err == nil && strings.TrimSpace(body) != "0"
	})
	return out
}

func TestSingleProcessGracefulStop(t *testing.T) {
	p := start(t, "workers = 1\ngraceful_shutdown_timeout = 30\n")
	res := p.slow(700)
	p.signal(syscall.SIGTERM)
	if got := <-res; !strings.HasPrefix(got, "slept=700") {
		t.Errorf("in-flight request: %q", got)
	}
	if code := p.waitExit(20 * time.Second); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestSingleProcessSIGINT(t *testing.T) {
	p := start(t, "workers = 1\n")
	p.signal(syscall.SIGINT)
	if code := p.waitExit(10 * time.Second); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(p.logText(), "Caught SIGINT signal, instantaneous exiting") {
		t.Error("no oslo SIGINT log line")
	}
}

func TestSingleProcessReloadUnderLoad(t *testing.T) {
	p := start(t, "workers = 1\nrestart_method = reload\n")
	l := startLoad(p.port, 4, true)
	proctest.WaitFor(t, 10*time.Second, "load", func() bool { return l.ok.Load() > 50 })
	p.writeConf("workers = 1\nrestart_method = reload\nbanner = two\n")
	p.signal(syscall.SIGHUP)
	proctest.WaitFor(t, 10*time.Second, "the reloaded banner", func() bool {
		body, err := p.get("/")
		return err == nil && strings.Contains(body, "banner=two")
	})
	n := l.ok.Load()
	proctest.WaitFor(t, 10*time.Second, "more load after reload", func() bool { return l.ok.Load() > n+50 })
	l.finish(t)
	if !strings.Contains(p.logText(), "Caught SIG_UNBLOCK, handling") {
		t.Error("no oslo SIGHUP log line")
	}
}

func workerPids(t *testing.T, p *proc, n int) []int {
	t.Helper()
	var kids []int
	proctest.WaitFor(t, 20*time.Second, fmt.Sprintf("%d workers", n), func() bool {
		kids = proctest.Children(p.pid())
		return len(kids) == n
	})
	return kids
}

func TestWorkerKilledIsReplaced(t *testing.T) {
	p := start(t, "workers = 2\n")
	kids := workerPids(t, p, 2)
	l := startLoad(p.port, 4, false)
	proctest.WaitFor(t, 10*time.Second, "load", func() bool { return l.ok.Load() > 20 })
	t0 := time.Now()
	syscall.Kill(kids[0], syscall.SIGKILL)
	var replacement int
	proctest.WaitFor(t, 10*time.Second, "a replacement worker serving", func() bool {
		now := proctest.Children(p.pid())
		for _, k := range now {
			if k != kids[0] && k != kids[1] {
				replacement = k
			}
		}
		if replacement == 0 {
			return false
		}
		body, err := p.get("/")
		return err == nil && strings.Contains(body, fmt.Sprintf("pid=%d ", replacement))
	})
	t.Logf("replacement worker %d serving %v after the kill", replacement, time.Since(t0).Round(time.Millisecond))
	// Only the requests in flight on the killed worker may fail (at most
	// one per client); no connection is refused: the socket stays open in
	// the parent and the other worker.
	l.finishAllowing(t, 4)
	if !strings.Contains(p.logText(), fmt.Sprintf("Child %d killed by signal 9", kids[0])) {
		t.Error("no oslo log line for the dead child")
	}
}

func TestReloadReplacesWorkersWithoutFailures(t *testing.T) {
	p := start(t, "workers = 2\nrestart_method = reload\n")
	old := workerPids(t, p, 2)
	l := startLoad(p.port, 4, false)
	proctest.WaitFor(t, 10*time.Second, "load", func() bool { return l.ok.Load() > 20 })
	p.writeConf("workers = 2\nrestart_method = reload\nbanner = two\n")
	p.signal(syscall.SIGHUP)
	proctest.WaitFor(t, 20*time.Second, "two new workers and no old one", func() bool {
		kids := proctest.Children(p.pid())
		return len(kids) == 2 && kids[0] != old[0] && kids[0] != old[1] && kids[1] != old[0] && kids[1] != old[1]
	})
	body, err := p.get("/")
	if err != nil || !strings.Contains(body, "banner=two") {
		t.Errorf("after reload: %q %v", body, err)
	}
	n := l.ok.Load()
	proctest.WaitFor(t, 10*time.Second, "more load", func() bool { return l.ok.Load() > n+20 })
	l.finish(t)
}

func TestMutateKeepsWorkers(t *testing.T) {
	p := start(t, "workers = 2\nrestart_method = mutate\n")
	old := workerPids(t, p, 2)
	p.writeConf("workers = 2\nrestart_method = mutate\ngreeting = changed\nbanner = two\n")
	p.signal(syscall.SIGHUP)
	seen := map[string]bool{}
	proctest.WaitFor(t, 20*time.Second, "both workers to show the mutated greeting", func() bool {
		body, err := p.get("/")
		if err == nil && strings.Contains(body, "greeting=changed") {
			seen[strings.Fields(body)[0]] = true
		}
		return len(seen) == 2
	})
	body, _ := p.get("/")
	if !strings.Contains(body, "banner=one") {
		t.Errorf("an immutable option changed: %q", body)
	}
	if kids := proctest.Children(p.pid()); fmt.Sprint(kids) != fmt.Sprint(old) {
		t.Errorf("workers changed on mutate: %v -> %v", old, kids)
	}
	if !strings.Contains(p.logText(), "Child caught SIG_UNBLOCK, handling") {
		t.Error("no oslo child SIGHUP log line")
	}
}

func TestBadConfigOnSIGHUPKeepsServing(t *testing.T) {
	for _, method := range []string{"reload", "mutate"} {
		t.Run(method, func(t *testing.T) {
			p := start(t, "workers = 2\nrestart_method = "+method+"\ngreeting = hello\n")
			old := workerPids(t, p, 2)
			l := startLoad(p.port, 2, false)
			proctest.WaitFor(t, 10*time.Second, "load", func() bool { return l.ok.Load() > 20 })
			os.WriteFile(p.conf, []byte("[DEFAULT\ngreeting = broken\n"), 0o644)
			p.signal(syscall.SIGHUP)
			proctest.WaitFor(t, 10*time.Second, "the reload error in the log", func() bool {
				return strings.Contains(p.logText(), "keeping the running configuration")
			})
			n := l.ok.Load()
			proctest.WaitFor(t, 10*time.Second, "more load", func() bool { return l.ok.Load() > n+20 })
			l.finish(t)
			if kids := proctest.Children(p.pid()); fmt.Sprint(kids) != fmt.Sprint(old) {
				t.Errorf("workers changed: %v -> %v", old, kids)
			}
			body, err := p.get("/")
			if err != nil || !strings.Contains(body, "greeting=hello") {
				t.Errorf("after a bad SIGHUP: %q %v", body, err)
			}
		})
	}
}

func TestReloadWithFailingWorkersKeepsOldOnes(t *testing.T) {
	p := start(t, "workers = 2\nrestart_method = reload\nupgrade_ready_timeout = 10\n")
	old := workerPids(t, p, 2)
	p.writeConf("workers = 2\nrestart_method = reload\nfail_start = true\n")
	p.signal(syscall.SIGHUP)
	proctest.WaitFor(t, 20*time.Second, "the failed reload in the log", func() bool {
		return strings.Contains(p.logText(), "Reload failed, keeping the running workers")
	})
	body, err := p.get("/")
	if err != nil {
		t.Fatalf("not serving after a failed reload: %v", err)
	}
	if !strings.Contains(body, fmt.Sprintf("pid=%d ", old[0])) && !strings.Contains(body, fmt.Sprintf("pid=%d ", old[1])) {
		t.Errorf("served by a worker that is not an old one: %q (old %v)", body, old)
	}
}

func TestGracefulStopWithWorkers(t *testing.T) {
	p := start(t, "workers = 2\ngraceful_shutdown_timeout = 30\n")
	kids := workerPids(t, p, 2)
	res := p.slow(800)
	p.signal(syscall.SIGTERM)
	if got := <-res; !strings.HasPrefix(got, "slept=800") {
		t.Errorf("in-flight request: %q", got)
	}
	if code := p.waitExit(20 * time.Second); code != 0 {
		t.Errorf("exit status %d", code)
	}
	for _, k := range kids {
		if proctest.Alive(k) {
			t.Errorf("worker %d outlived the parent", k)
		}
	}
	log := p.logText()
	for _, line := range []string{"Caught SIGTERM, stopping children", "Waiting on 2 children to exit"} {
		if !strings.Contains(log, line) {
			t.Errorf("log lacks %q", line)
		}
	}
}

func TestGracefulTimeoutForcesExit(t *testing.T) {
	p := start(t, "workers = 2\ngraceful_shutdown_timeout = 1\n")
	res := p.slow(20000)
	p.signal(syscall.SIGTERM)
	code := p.waitExit(20 * time.Second)
	<-res
	text := p.logText()
	// The parent's timer and the busy worker's start within
	// milliseconds of each other. As in oslo.service, whichever fires
	// first ends the shutdown: the parent exits 1, or the worker exits
	// 1 and the parent, its children gone, exits 0.
	if code != 1 && !(code == 0 && strings.Contains(text, "exited with status 1")) {
		t.Errorf("exit status %d, and no worker exited with status 1: want the parent or the worker to give up", code)
	}
	if !strings.Contains(text, "Graceful shutdown timeout exceeded, instantaneous exiting") {
		t.Error("no timeout log line")
	}
}

func TestWorkersDieWithParent(t *testing.T) {
	p := start(t, "workers = 2\n")
	kids := workerPids(t, p, 2)
	p.signal(syscall.SIGKILL)
	p.waitExit(10 * time.Second)
	for _, k := range kids {
		proctest.WaitFor(t, 20*time.Second, fmt.Sprintf("worker %d to exit", k), func() bool {
			reapOrphans()
			return !proctest.Alive(k)
		})
	}
}

func TestScaleWithTTINAndTTOU(t *testing.T) {
	p := start(t, "workers = 2\n")
	workerPids(t, p, 2)
	// One signal at a time: when both are pending, Linux delivers the
	// lower-numbered SIGTTIN first.
	p.signal(syscall.SIGTTIN)
	workerPids(t, p, 3)
	p.signal(syscall.SIGTTOU)
	workerPids(t, p, 2)
	p.signal(syscall.SIGTTOU)
	workerPids(t, p, 1)
	p.signal(syscall.SIGTTOU) // never below one
	proctest.WaitFor(t, 10*time.Second, "the refusal to go below one worker", func() bool {
		return strings.Contains(p.logText(), "keeping the last worker")
	})
	p.signal(syscall.SIGTTIN)
	workerPids(t, p, 2)
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "workers = 2\n[oslo_reports]\nlog_dir = "+dir+"\n")
	workerPids(t, p, 2)
	p.signal(syscall.SIGUSR2)
	var report string
	proctest.WaitFor(t, 10*time.Second, "a report file", func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "*_gurumeditation_*"))
		if len(files) == 0 {
			return false
		}
		data, _ := os.ReadFile(files[0])
		report = string(data)
		return strings.Contains(report, "Goroutines")
	})
	for _, want := range []string{"Package", "version = test", "Workers", "generation 1", "ready", "Configuration", "port_file"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, err := p.get("/"); err != nil {
		t.Errorf("not serving after the report: %v", err)
	}
}

func TestBinaryUpgrade(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			p := start(t, fmt.Sprintf("workers = %d\n", workers))
			if workers > 1 {
				workerPids(t, p, workers)
			}
			l := startLoad(p.port, 2, false)
			proctest.WaitFor(t, 10*time.Second, "load", func() bool { return l.ok.Load() > 20 })
			p.signal(syscall.SIGUSR1)
			if code := p.waitExit(30 * time.Second); code != 0 {
				t.Errorf("old process exit status %d", code)
			}
			// The new process is now our child (we are a subreaper).
			var newPid int
			proctest.WaitFor(t, 10*time.Second, "the new process", func() bool {
				for _, k := range proctest.Children(os.Getpid()) {
					if strings.Contains(cmdline(k), svcBin) {
						newPid = k
					}
				}
				return newPid > 0
			})
			n := l.ok.Load()
			proctest.WaitFor(t, 10*time.Second, "more load", func() bool { return l.ok.Load() > n+20 })
			l.finish(t)
			body, err := p.get("/")
			if err != nil {
				t.Fatalf("not serving after the upgrade: %v", err)
			}
			syscall.Kill(newPid, syscall.SIGTERM)
			proctest.WaitFor(t, 20*time.Second, "the new process to stop", func() bool {
				var ws syscall.WaitStatus
				got, _ := syscall.Wait4(newPid, &ws, syscall.WNOHANG, nil)
				return got == newPid
			})
			_ = body
		})
	}
}

func cmdline(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.ReplaceAll(string(data), "\x00", " ")
}

func TestStartFailureExits(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("[DEFAULT]\nfail_start = true\n"), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, svcBin, "--config-file", conf).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "fail_start is set") {
		t.Errorf("the start error is not shown:\n%s", out)
	}
}

// TestNoConnectionRefusedDuringRespawn connects in a tight loop while
// workers are killed: the socket is never closed, so no connection is
// refused.
func TestNoConnectionRefusedDuringRespawn(t *testing.T) {
	p := start(t, "workers = 2\n")
	var refused atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p.port), 2*time.Second)
			if err != nil {
				if errors.Is(err, syscall.ECONNREFUSED) {
					refused.Add(1)
				}
				continue
			}
			c.Close()
		}
	}()
	for range 3 {
		kids := workerPids(t, p, 2)
		syscall.Kill(kids[0], syscall.SIGKILL)
		proctest.WaitFor(t, 10*time.Second, "a replacement", func() bool {
			now := proctest.Children(p.pid())
			return len(now) == 2 && now[0] != kids[0] && now[1] != kids[0]
		})
	}
	close(stop)
	wg.Wait()
	if refused.Load() > 0 {
		t.Errorf("%d connections refused", refused.Load())
	}
}

package wsgi

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// These tests run testdata/wsgisvc, an API service on wsgi.NewService
// launched with workers in separate processes, and drive it with real
// signals under keep-alive load from clients that never retry.

var (
	svcOnce sync.Once
	svcBin  string
	svcErr  error
)

func buildService(t *testing.T) string {
	t.Helper()
	svcOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wsgisvc")
		if err != nil {
			svcErr = err
			return
		}
		svcBin = filepath.Join(dir, "wsgisvc")
		args := []string{"build", "-o", svcBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "./testdata/wsgisvc")...).CombinedOutput()
		if err != nil {
			svcErr = fmt.Errorf("building testdata/wsgisvc: %v\n%s", err, out)
		}
	})
	if svcErr != nil {
		t.Fatal(svcErr)
	}
	return svcBin
}

type svcProc struct {
	t          *testing.T
	dir, conf  string
	host       string
	cmd        *exec.Cmd
	addr       string
	log        string
	done       chan struct{}
	err        error
	confPrefix string
}

func startService(t *testing.T, body string) *svcProc {
	t.Helper()
	bin := buildService(t)
	dir := t.TempDir()
	p := &svcProc{t: t, dir: dir, conf: filepath.Join(dir, "api.conf"), log: filepath.Join(dir, "api.log"), done: make(chan struct{})}
	p.host = testHost()
	p.confPrefix = "[DEFAULT]\nport_file = " + filepath.Join(dir, "port") + "\napi_listen = " + p.host + "\n"
	p.writeConf(body)
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "--config-file", p.conf)
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
		if t.Failed() {
			data, _ := os.ReadFile(p.log)
			t.Logf("service log:\n%s", data)
		}
	})
	var port int
	waitFor(t, "the port file", func() bool {
		data, err := os.ReadFile(filepath.Join(dir, "port"))
		if err == nil {
			port, _ = strconv.Atoi(string(data))
		}
		return port > 0
	})
	p.addr = fmt.Sprintf("%s:%d", p.host, port)
	return p
}

func (p *svcProc) writeConf(body string) {
	if err := os.WriteFile(p.conf, []byte(p.confPrefix+body), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *svcProc) signal(sig syscall.Signal) {
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

func (p *svcProc) get(path string) (string, error) {
	k := &keepAliveClient{addr: p.addr}
	defer k.close()
	r, err := k.do("GET", path, "")
	if err == nil && r.status != 200 {
		err = fmt.Errorf("status %d", r.status)
	}
	return r.body, err
}

// workers waits for n live workers and returns their pids.
func (p *svcProc) workers(n int) []int {
	var kids []int
	waitFor(p.t, fmt.Sprintf("%d workers", n), func() bool {
		kids = proctest.Children(p.cmd.Process.Pid)
		return len(kids) == n
	})
	return kids
}

// slow sends n slow requests and waits until the service has them.
func (p *svcProc) slow(n, ms int) chan result {
	out := make(chan result, n)
	for i := 0; i < n; i++ {
		go func() {
			k := &keepAliveClient{addr: p.addr}
			defer k.close()
			r, err := k.do("GET", fmt.Sprintf("/slow?ms=%d", ms), "")
			if err != nil {
				r.body = "error: " + err.Error()
			}
			out <- r
		}()
	}
	// Ask the workers, through fresh connections (each lands on one of
	// them), how many slow requests they have, until all n are in.
	seen := map[int]int{}
	waitFor(p.t, "slow requests in flight", func() bool {
		body, err := p.get("/inflight")
		var pid, inflight int
		if _, err2 := fmt.Sscanf(body, "pid=%d inflight=%d", &pid, &inflight); err != nil || err2 != nil {
			return false
		}
		seen[pid] = inflight
		total := 0
		for _, v := range seen {
			total += v
		}
		return total >= n
	})
	return out
}

func (p *svcProc) waitExit() int {
	select {
	case <-p.done:
	case <-time.After(guard):
		p.t.Fatal("the service did not exit")
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

func checkSlowFull(t *testing.T, results chan result, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		r := <-results
		if r.status != 200 || len(r.body) != len(slowBody) {
			b := r.body
			if len(b) > 200 {
				b = fmt.Sprintf("%d bytes", len(b))
			}
			t.Errorf("slow request: %d %s", r.status, b)
		}
	}
}

// loadOK is a request loop's expected answer: a greeting from a worker.
func startServiceLoad(addr string, n int) *loadGen {
	return startLoadCheck(addr, n, func(r result) bool { return r.status == 200 && strings.HasPrefix(r.body, "pid=") })
}

// TestWorkersReloadUnderLoad: SIGHUP with reload replaces both workers
// while keep-alive clients send requests back to back and slow requests
// are in flight: no request fails, the slow ones are answered in full,
// the new workers serve the new configuration.
func TestWorkersReloadUnderLoad(t *testing.T) {
	p := startService(t, "api_workers = 2\nrestart_method = reload\n")
	old := p.workers(2)
	load := startServiceLoad(p.addr, 8)
	load.progress(t, 20)
	slow := p.slow(2, 1500)
	p.writeConf("api_workers = 2\nrestart_method = reload\ngreeting = reloaded\n")
	p.signal(syscall.SIGHUP)
	waitFor(t, "two new workers", func() bool {
		kids := proctest.Children(p.cmd.Process.Pid)
		return len(kids) == 2 && !containsAny(old, kids)
	})
	waitFor(t, "the new greeting", func() bool {
		body, err := p.get("/")
		return err == nil && strings.Contains(body, "greeting=reloaded")
	})
	checkSlowFull(t, slow, 2)
	load.progress(t, 20)
	load.finish(t)
}

// TestWorkersMutateUnderLoad: SIGHUP with mutate keeps the workers and
// changes the mutable option in place; no request fails.
func TestWorkersMutateUnderLoad(t *testing.T) {
	p := startService(t, "api_workers = 2\nrestart_method = mutate\n")
	old := p.workers(2)
	load := startServiceLoad(p.addr, 8)
	load.progress(t, 20)
	p.writeConf("api_workers = 2\nrestart_method = mutate\ngreeting = mutated\n")
	p.signal(syscall.SIGHUP)
	waitFor(t, "the new greeting", func() bool {
		body, err := p.get("/")
		return err == nil && strings.Contains(body, "greeting=mutated")
	})
	load.progress(t, 20)
	load.finish(t)
	if kids := proctest.Children(p.cmd.Process.Pid); fmt.Sprint(kids) != fmt.Sprint(old) {
		t.Errorf("workers %v became %v", old, kids)
	}
}

// TestWorkersGracefulStop: SIGTERM with slow requests in flight on the
// workers: they are answered in full, and everything exits with 0.
func TestWorkersGracefulStop(t *testing.T) {
	p := startService(t, "api_workers = 2\ngraceful_shutdown_timeout = 30\n")
	kids := p.workers(2)
	load := startServiceLoad(p.addr, 4)
	load.progress(t, 20)
	load.finish(t)
	slow := p.slow(3, 1000)
	p.signal(syscall.SIGTERM)
	checkSlowFull(t, slow, 3)
	if code := p.waitExit(); code != 0 {
		t.Errorf("exit status %d", code)
	}
	for _, k := range kids {
		waitFor(t, "the workers to be gone", func() bool { return !proctest.Alive(k) })
	}
}

func containsAny(a, b []int) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

package service_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goslo/goslo/internal/proctest"
)

// BenchmarkStartupToReady measures exec of the test service to its first
// 200 (a new connection every millisecond), for 1 and 2 workers.
func BenchmarkStartupToReady(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			dir := b.TempDir()
			conf := filepath.Join(dir, "svc.conf")
			pf := filepath.Join(dir, "port")
			os.WriteFile(conf, fmt.Appendf(nil, "[DEFAULT]\nworkers = %d\nport_file = %s\nlog_options = false\n", workers, pf), 0o644)
			c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			var total time.Duration
			for b.Loop() {
				os.Remove(pf)
				t0 := time.Now()
				cmd := exec.Command(svcBin, "--config-file", conf)
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				port := 0
				for i := 0; i < 20000 && port == 0; i++ {
					if data, err := os.ReadFile(pf); err == nil {
						port, _ = strconv.Atoi(string(data))
					} else {
						time.Sleep(100 * time.Microsecond)
					}
				}
				for i := 0; i < 20000; i++ {
					resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode == 200 {
							break
						}
					}
					time.Sleep(time.Millisecond)
				}
				total += time.Since(t0)
				cmd.Process.Signal(syscall.SIGTERM)
				cmd.Wait()
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-first-200")
		})
	}
}

// BenchmarkWorkerRespawn measures kill -9 of a worker to its replacement
// answering a request.
func BenchmarkWorkerRespawn(b *testing.B) {
	dir := b.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	pf := filepath.Join(dir, "port")
	os.WriteFile(conf, fmt.Appendf(nil, "[DEFAULT]\nworkers = 2\nport_file = %s\nlog_options = false\n", pf), 0o644)
	cmd := exec.Command(svcBin, "--config-file", conf)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	port := 0
	for i := 0; i < 20000 && port == 0; i++ {
		if data, err := os.ReadFile(pf); err == nil {
			port, _ = strconv.Atoi(string(data))
		}
		time.Sleep(time.Millisecond)
	}
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func() string {
		resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		buf := make([]byte, 64)
		n, _ := resp.Body.Read(buf)
		return string(buf[:n])
	}
	var total time.Duration
	for b.Loop() {
		var kids []int
		for i := 0; i < 10000 && len(kids) != 2; i++ {
			kids = proctest.Children(cmd.Process.Pid)
			time.Sleep(time.Millisecond)
		}
		if len(kids) != 2 {
			b.Fatalf("workers: %v", kids)
		}
		t0 := time.Now()
		syscall.Kill(kids[0], syscall.SIGKILL)
		served := false
		for i := 0; i < 100000 && !served; i++ {
			for _, k := range proctest.Children(cmd.Process.Pid) {
				if k != kids[0] && k != kids[1] && strings.Contains(get(), fmt.Sprintf("pid=%d ", k)) {
					served = true
				}
			}
		}
		total += time.Since(t0)
		// Space the kills so oslo's fork-rate limit (more than N starts
		// within N seconds waits a second) does not kick in.
		time.Sleep(2100 * time.Millisecond)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-replacement-serving")
}

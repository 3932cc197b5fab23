package service

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// writeReport writes a Guru-Meditation-style report (oslo.reports' role)
// on SIGUSR2: the package, the process, its workers, the configuration
// with secrets masked, and every goroutine's stack. It goes to a file in
// [oslo_reports] log_dir when that is set, else to stderr. The process
// keeps running.
func writeReport(b *base, workers []workerRow) {
	var w strings.Builder
	bar := strings.Repeat("=", 72)
	section := func(title string) {
		fmt.Fprintf(&w, "%s\n====%s====\n%s\n", bar, center(title, 64), bar)
	}
	prog := filepath.Base(os.Args[0])
	section("Package")
	fmt.Fprintf(&w, "product = %s\nvendor = goslo\nversion = %s\n", prog, b.o.Version)
	section("Process")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&w, "pid = %d\nppid = %d\nuptime = %s\ngo = %s\ngoroutines = %d\nheap_alloc = %d\nsys = %d\n",
		os.Getpid(), os.Getppid(), time.Since(b.started).Round(time.Millisecond), runtime.Version(),
		runtime.NumGoroutine(), ms.HeapAlloc, ms.Sys)
	if workers != nil {
		section("Workers")
		for _, r := range workers {
			state := "starting"
			switch {
			case r.retiring:
				state = "stopping"
			case r.ready:
				state = "ready"
			}
			fmt.Fprintf(&w, "pid %d  generation %d  uptime %s  %s\n", r.pid, r.gen, r.uptime.Round(time.Millisecond), state)
		}
	}
	section("Configuration")
	for _, line := range b.conf.ValueLines() {
		w.WriteString(line + "\n")
	}
	section("Goroutines")
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	w.Write(buf[:n])
	w.WriteString("\n")

	var out io.Writer = os.Stderr
	if dir, ok := ReportDir.Lookup(b.conf); ok && dir != "" {
		name := filepath.Join(dir, fmt.Sprintf("%s_gurumeditation_%s", prog, time.Now().Format("20060102150405")))
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
		if err != nil {
			b.log.Error("Cannot write the report", "file", name, "err", err)
		} else {
			defer f.Close()
			out = f
			b.log.Info("Report written", "file", name)
		}
	}
	io.WriteString(out, w.String())
}

func center(s string, width int) string {
	if len(s) >= width {
		return s
	}
	left := (width - len(s)) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", width-len(s)-left)
}

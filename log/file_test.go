package log

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fileHandler builds a Handler on a log file with settings changed by
// mod and the file output changed by hook.
func fileHandler(t *testing.T, path string, mod func(*settings), hook func(*fileOutput)) *Handler {
	t.Helper()
	mustLevels(t, false, nil)
	s := defaultSettings()
	s.logFile = path
	s.formats.dflt = "%(message)s"
	if mod != nil {
		mod(&s)
	}
	h, err := build(s, "nova", "unknown", outputEnv{fileHook: hook})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestRotationSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	h := fileHandler(t, path, func(s *settings) { s.rotation, s.maxCount = "size", 2 },
		func(fo *fileOutput) {})
	h.outs[0].(*fileOutput).maxBytes = 30 // bytes, for the test
	l := slog.New(h)
	for i := range 7 {
		l.Info(fmt.Sprintf("line %d 0123456", i)) // 16 bytes with the newline
	}
	h.Close()
	if got, want := listDir(t, dir), []string{"api.log", "api.log.1", "api.log.2"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files = %v, want %v", got, want)
	}
	// Python rotates when size + len(line) >= maxBytes: one line per file.
	for name, want := range map[string][]string{
		"api.log":   {"line 6 0123456"},
		"api.log.1": {"line 5 0123456"},
		"api.log.2": {"line 4 0123456"},
	} {
		if got := readLines(t, filepath.Join(dir, name)); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestRotationSizeNoBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	h := fileHandler(t, path, func(s *settings) { s.rotation, s.maxCount = "size", 0 }, nil)
	h.outs[0].(*fileOutput).maxBytes = 20
	for i := range 4 {
		slog.New(h).Info(fmt.Sprintf("line %d", i))
	}
	h.Close()
	// As RotatingFileHandler with backupCount 0: no rotation at all.
	if got := listDir(t, dir); len(got) != 1 || len(readLines(t, path)) != 4 {
		t.Fatalf("files = %v, lines = %v", got, readLines(t, path))
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestRotationIntervalAgainstPython(t *testing.T) {
	type rcase struct {
		Type     string    `json:"type"`
		Interval int       `json:"interval"`
		Backups  int       `json:"backups"`
		Start    int64     `json:"start"`
		Steps    []float64 `json:"steps"`
	}
	const start = 1700000000 // Tue 2023-11-14 22:13:20 UTC
	steps := func(d float64, n int) []float64 {
		s := make([]float64, n)
		for i := 1; i < n; i++ {
			s[i] = d
		}
		return s
	}
	var cases []rcase
	for _, tc := range []struct {
		typ      string
		interval int
		step     float64
	}{
		{"seconds", 10, 11}, {"seconds", 1, 0.4}, {"minutes", 1, 60}, {"minutes", 5, 130},
		{"hours", 2, 7200}, {"hours", 1, 1000}, {"days", 1, 86400}, {"days", 2, 50000},
		{"midnight", 1, 86400}, {"midnight", 1, 20000}, {"midnight", 3, 86400},
		{"weekday", 2, 86400}, {"weekday", 0, 86400 * 2}, {"weekday", 6, 86400},
	} {
		for _, backups := range []int{0, 2} {
			cases = append(cases, rcase{tc.typ, tc.interval, backups, start, steps(tc.step, 12)})
		}
		// Across the start and the end of summer time in Europe.
		cases = append(cases, rcase{tc.typ, tc.interval, 3, 1711749600, steps(tc.step, 12)})
		cases = append(cases, rcase{tc.typ, tc.interval, 3, 1729893600, steps(tc.step, 12)})
	}
	for _, tz := range []string{"UTC", "Europe/Berlin"} {
		t.Run(tz, func(t *testing.T) {
			var want []struct {
				Files []string `json:"files"`
				Lines []string `json:"lines"`
			}
			runPython(t, "testdata/rotate.py", map[string]any{"tz": tz, "cases": cases}, &want)
			loc, err := time.LoadLocation(tz)
			if err != nil {
				t.Fatal(err)
			}
			restore := time.Local
			time.Local = loc
			defer func() { time.Local = restore }()
			for i, c := range cases {
				dir := t.TempDir()
				path := filepath.Join(dir, "a.log")
				os.WriteFile(path, []byte("old\n"), 0o644)
				st := time.Unix(c.Start, 0)
				os.Chtimes(path, st, st)
				clock := &fakeClock{t: st}
				h := fileHandler(t, path, func(s *settings) {
					s.rotation, s.intervalType, s.interval, s.maxCount = "interval", c.Type, c.Interval, c.Backups
				}, func(fo *fileOutput) { fo.now = clock.now; fo.statEvery = time.Hour })
				l := slog.New(h)
				for n, step := range c.Steps {
					clock.add(time.Duration(step * float64(time.Second)))
					l.Info("line " + strconv.Itoa(n))
				}
				h.Close()
				files := listDir(t, dir)
				lines := readLines(t, path)
				if strings.Join(files, " ") != strings.Join(want[i].Files, " ") ||
					strings.Join(lines, "|") != strings.Join(want[i].Lines, "|") {
					t.Errorf("%s interval %d backups %d step %v:\ngoslo files %v lines %v\noslo  files %v lines %v",
						c.Type, c.Interval, c.Backups, c.Steps[1], files, lines, want[i].Files, want[i].Lines)
				}
			}
		})
	}
}

func TestComputeRolloverWeekday(t *testing.T) {
	restore := time.Local
	time.Local = time.UTC
	defer func() { time.Local = restore }()
	fo := &fileOutput{}
	if err := fo.setInterval("weekday", 2); err != nil { // Wednesday
		t.Fatal(err)
	}
	// Tuesday 2023-11-14 22:13:20: the rollover is at the end of
	// Wednesday, Thursday 00:00, as TimedRotatingFileHandler('W2').
	got := time.Unix(fo.computeRollover(time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC).Unix()), 0).UTC()
	if want := time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("rollover = %v, want %v", got, want)
	}
	if fo.interval != 2*7*86400 {
		t.Errorf("interval = %d", fo.interval)
	}
}

// TestReopenMoveCreate is logrotate's create method: the file is moved,
// SIGHUP makes the service reopen it.
func TestReopenMoveCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	h := fileHandler(t, path, nil, func(fo *fileOutput) { fo.statEvery = time.Hour })
	l := slog.New(h)
	l.Info("before")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	l.Info("after the move")
	if err := h.Reopen(); err != nil {
		t.Fatal(err)
	}
	l.Info("after reopen")
	h.Close()
	if got := readLines(t, path+".1"); strings.Join(got, "|") != "before|after the move" {
		t.Errorf("rotated file = %q", got)
	}
	if got := readLines(t, path); strings.Join(got, "|") != "after reopen" {
		t.Errorf("new file = %q", got)
	}
}

// TestMovedFileNoticed is WatchedFileHandler's check: without SIGHUP,
// the next record after a move goes to a new file.
func TestMovedFileNoticed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	h := fileHandler(t, path, nil, func(fo *fileOutput) { fo.statEvery = time.Nanosecond })
	l := slog.New(h)
	l.Info("one")
	os.Rename(path, path+".1")
	l.Info("two")
	os.Remove(path)
	l.Info("three")
	h.Close()
	if got := readLines(t, path+".1"); strings.Join(got, "|") != "one" {
		t.Errorf("moved file = %q", got)
	}
	if got := readLines(t, path); strings.Join(got, "|") != "three" {
		t.Errorf("new file = %q", got)
	}
}

// TestCopyTruncate is logrotate's copytruncate: appending continues at
// the new end, with no hole of zeros.
func TestCopyTruncate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	h := fileHandler(t, path, nil, nil)
	l := slog.New(h)
	l.Info("a long line before the truncation")
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	l.Info("after")
	h.Close()
	data, _ := os.ReadFile(path)
	if string(data) != "after\n" {
		t.Errorf("file = %q, want %q", data, "after\n")
	}
}

// TestWatchLogFile: with watch_log_file, moving the file makes the
// watcher reopen it at once.
func TestWatchLogFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("watch_log_file uses inotify, on Linux only")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	reopened := make(chan struct{}, 10)
	h := fileHandler(t, path, func(s *settings) { s.watch = true }, func(fo *fileOutput) {
		fo.statEvery = time.Hour
		fo.onReopen = func() { reopened <- struct{}{} }
	})
	l := slog.New(h)
	l.Info("one")
	os.Rename(path, path+".1")
	select {
	case <-reopened:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not reopen the moved file")
	}
	l.Info("two")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, path); strings.Join(got, "|") != "two" {
		t.Errorf("new file = %q", got)
	}
}

// TestWorkers has several processes (this test binary, re-executed)
// append to one file, with size rotation on: no line is lost or torn.
func TestWorkers(t *testing.T) {
	if os.Getenv("GOSLO_LOG_WORKER") != "" {
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "workers.log")
	const workers, lines = 4, 2000
	var cmds []*exec.Cmd
	for w := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$")
		cmd.Env = append(os.Environ(), "GOSLO_LOG_WORKER="+strconv.Itoa(w), "GOSLO_LOG_FILE="+path,
			"GOSLO_LOG_LINES="+strconv.Itoa(lines))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, name := range listDir(t, dir) {
		for _, l := range readLines(t, filepath.Join(dir, name)) {
			if !strings.HasPrefix(l, "worker ") || !strings.HasSuffix(l, " end") || len(l) != len("worker 0 line 0000 ")+200+len(" end") {
				t.Fatalf("torn line in %s: %q", name, l)
			}
			if seen[l[:20]] {
				t.Fatalf("line twice: %q", l[:20])
			}
			seen[l[:20]] = true
		}
	}
	if len(seen) != workers*lines {
		t.Errorf("%d lines in %v, want %d", len(seen), listDir(t, dir), workers*lines)
	}
}

// TestWorkerProcess is one worker of TestWorkers.
func TestWorkerProcess(t *testing.T) {
	w := os.Getenv("GOSLO_LOG_WORKER")
	if w == "" {
		t.Skip("run by TestWorkers")
	}
	n, _ := strconv.Atoi(os.Getenv("GOSLO_LOG_LINES"))
	h := fileHandler(t, os.Getenv("GOSLO_LOG_FILE"), func(s *settings) { s.rotation, s.maxCount = "size", 1000 },
		func(fo *fileOutput) { fo.statEvery = time.Millisecond })
	h.outs[0].(*fileOutput).maxBytes = 100 << 10
	l := slog.New(h)
	pad := strings.Repeat("x", 200)
	for i := range n {
		l.Info(fmt.Sprintf("worker %s line %04d %s end", w, i, pad))
	}
}

func TestRotationSizeAgainstPython(t *testing.T) {
	type scase struct {
		MaxBytes int      `json:"max_bytes"`
		Backups  int      `json:"backups"`
		Initial  string   `json:"initial"`
		Lines    []string `json:"lines"`
	}
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("line %d %s", i, strings.Repeat("x", (i*7)%23)))
	}
	var cases []scase
	for _, mb := range []int{0, 1, 10, 30, 64, 100, 1000} {
		for _, backups := range []int{0, 1, 3} {
			for _, initial := range []string{"", "old line\n", strings.Repeat("y", 80) + "\n"} {
				cases = append(cases, scase{mb, backups, initial, lines})
			}
		}
	}
	var want []map[string]string
	runPython(t, "testdata/rotate_size.py", cases, &want)
	for i, c := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, "a.log")
		if c.Initial != "" {
			os.WriteFile(path, []byte(c.Initial), 0o644)
		}
		h := fileHandler(t, path, func(s *settings) { s.rotation, s.maxCount = "size", c.Backups }, nil)
		h.outs[0].(*fileOutput).maxBytes = int64(c.MaxBytes)
		for _, l := range c.Lines {
			slog.New(h).Info(l)
		}
		h.Close()
		got := map[string]string{}
		for _, name := range listDir(t, dir) {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			got[name] = string(data)
		}
		if d := cmp.Diff(want[i], got); d != "" {
			t.Errorf("max %d backups %d initial %q (-oslo +goslo):\n%s", c.MaxBytes, c.Backups, c.Initial, d)
		}
	}
}

// TestConcurrentWriters writes from many goroutines of one process with
// size rotation: the lines of several callers go out together, and
// still every line is whole, written once, in each caller's order, and
// no file reaches max_bytes.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "api.log")
	const goroutines, lines, maxBytes = 8, 1500, 32 << 10
	h := fileHandler(t, path, func(s *settings) { s.rotation, s.maxCount = "size", 1000 }, nil)
	h.outs[0].(*fileOutput).maxBytes = maxBytes
	l := slog.New(h)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				l.Info(fmt.Sprintf("g%d n%05d %s end", g, i, strings.Repeat("x", (i*37)%200)))
			}
		})
	}
	wg.Wait()
	h.Close()
	names := listDir(t, dir)
	// Oldest first: api.log.N ... api.log.1, api.log.
	sort.Slice(names, func(i, j int) bool { return rotationAge(names[i]) > rotationAge(names[j]) })
	next := make([]int, goroutines)
	for _, name := range names {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err != nil || st.Size() >= maxBytes {
			t.Errorf("%s: %v bytes, want under %d (%v)", name, st.Size(), maxBytes, err)
		}
		for _, line := range readLines(t, p) {
			f := strings.Split(line, " ")
			var g, n int
			_, err := fmt.Sscanf(line, "g%d n%d", &g, &n)
			if err != nil || len(f) != 4 || f[3] != "end" || g < 0 || g >= goroutines || len(f[2]) != (n*37)%200 {
				t.Fatalf("%s: torn line %q", name, line)
			}
			if n != next[g] {
				t.Fatalf("%s: goroutine %d line %d after %d", name, g, n, next[g]-1)
			}
			next[g]++
		}
	}
	for g, n := range next {
		if n != lines {
			t.Errorf("goroutine %d: %d lines in %d files, want %d", g, n, len(names), lines)
		}
	}
	if len(names) < 3 {
		t.Errorf("files = %v: the test wants several rotations", names)
	}
}

// rotationAge is N for name.N, 0 for the live file.
func rotationAge(name string) int {
	i := strings.LastIndexByte(name, '.')
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return 0
	}
	return n
}

// pipeHandler is a handler whose log file is the write end of a pipe,
// which nobody reads until the test reads r: a write blocks once the
// pipe's buffer is full. Closing the handler closes the write end.
func pipeHandler(t *testing.T) (*Handler, *fileOutput, *os.File) {
	t.Helper()
	h := fileHandler(t, filepath.Join(t.TempDir(), "api.log"), nil, func(fo *fileOutput) { fo.statEvery = time.Hour })
	fo := h.outs[0].(*fileOutput)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	fo.fmu.Lock()
	fo.f.Close()
	fo.f, fo.lastStat = w, time.Now()
	fo.fmu.Unlock()
	return h, fo, r
}

// TestPendingBounded stalls the file (a pipe nobody reads): callers add
// their lines while one of them writes, until maxPending bytes wait;
// then they wait too, as for a lock, and every line arrives once the
// pipe is read.
func TestPendingBounded(t *testing.T) {
	h, fo, r := pipeHandler(t)

	const goroutines, lines = 4, 1000
	pad := strings.Repeat("x", 200)
	l := slog.New(h)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				l.Info(fmt.Sprintf("g%d n%04d %s", g, i, pad))
			}
		})
	}
	// Wait until a caller waits for room: the pipe is full and so is
	// pending.
	for {
		fo.mu.Lock()
		full, pending := fo.full, len(fo.pending)
		fo.mu.Unlock()
		if pending > maxPending+300 {
			t.Fatalf("%d bytes pending, want at most %d and a line", pending, maxPending)
		}
		if full > 0 {
			break
		}
		runtime.Gosched()
	}
	got := make(chan int)
	go func() {
		n := 0
		buf := make([]byte, 64<<10)
		var rest []byte
		for {
			k, err := r.Read(buf)
			rest = append(rest, buf[:k]...)
			for {
				i := strings.IndexByte(string(rest), '\n')
				if i < 0 {
					break
				}
				if len(rest[:i]) != len("g0 n0000 ")+len(pad) {
					t.Errorf("torn line %q", rest[:i])
				}
				rest, n = rest[i+1:], n+1
			}
			if err != nil {
				got <- n
				return
			}
		}
	}()
	wg.Wait()
	h.Close() // closes w: the reader sees EOF
	if n := <-got; n != goroutines*lines {
		t.Errorf("%d lines read, want %d", n, goroutines*lines)
	}
}

// TestErrorWaitsForWrite stalls the writer on a full pipe: an INFO line
// from another caller waits in pending and its caller returns, an ERROR
// line's caller returns only once its line is written.
func TestErrorWaitsForWrite(t *testing.T) {
	h, fo, r := pipeHandler(t)
	l := slog.New(h)

	// The writer: a line bigger than the pipe's buffer blocks it.
	stalled := make(chan struct{})
	go func() {
		defer close(stalled)
		l.Info(strings.Repeat("w", 1<<20))
	}()
	for {
		fo.mu.Lock()
		writing := fo.writing
		fo.mu.Unlock()
		if writing {
			break
		}
		runtime.Gosched()
	}
	l.Info("info line") // returns at once
	fo.mu.Lock()
	queued := strings.Contains(string(fo.pending), "info line")
	fo.mu.Unlock()
	if !queued {
		t.Fatal("the INFO line is not pending behind the stalled writer")
	}
	errDone := make(chan struct{})
	go func() {
		defer close(errDone)
		l.Error("error line")
	}()
	for {
		fo.mu.Lock()
		waiting := fo.waiting
		fo.mu.Unlock()
		if waiting == 1 {
			break
		}
		select {
		case <-errDone:
			t.Fatal("Error returned before its line was written")
		default:
		}
		runtime.Gosched()
	}
	read := make(chan string)
	go func() {
		data, _ := io.ReadAll(r)
		read <- string(data)
	}()
	<-errDone
	fo.mu.Lock()
	left := string(fo.pending)
	fo.mu.Unlock()
	if strings.Contains(left, "error line") {
		t.Error("Error returned with its line still pending")
	}
	<-stalled
	h.Close()
	if got := <-read; !strings.HasSuffix(got, "info line\nerror line\n") {
		t.Errorf("the file ends with %q", got[max(0, len(got)-40):])
	}
}

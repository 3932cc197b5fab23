package log

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Rotation of the log file, as the Python handlers oslo.log picks:
// WatchedFileHandler (none), RotatingFileHandler (size) and
// TimedRotatingFileHandler (interval). It is written here, small, because
// it must follow those handlers' names and schedules, and because several
// worker processes append to one file: every record is one write(2) on a
// descriptor opened with O_APPEND, and a rotation is done under flock(2)
// by the first process that needs it; the others notice that the path
// now names a new file and reopen it.
const (
	rotNone = iota
	rotSize
	rotInterval
)

// fileOutput writes lines to the log file.
type fileOutput struct {
	path      string
	kind      int
	maxBytes  int64
	backups   int
	when      string      // s, m, h, d, midnight, w
	weekday   int         // for w: 0 is Monday
	interval  int64       // seconds
	suffix    *dateFormat // the rotated file's date suffix
	extMatch  *regexp.Regexp
	now       func() time.Time
	statEvery time.Duration // how often the path is checked for a new file
	onReopen  func()        // tests

	mu         sync.Mutex
	closed     bool
	f          *os.File
	dev, ino   uint64
	size       int64 // this process's idea of the file's size
	rolloverAt int64
	lastStat   time.Time
	buf        []byte
}

func newFileOutput(path string, s settings, env outputEnv) (*fileOutput, error) {
	fo := &fileOutput{path: path, now: env.now, statEvery: env.statEvery, onReopen: nil}
	if fo.now == nil {
		fo.now = time.Now
	}
	if fo.statEvery == 0 {
		fo.statEvery = time.Second
	}
	if env.fileHook != nil {
		env.fileHook(fo)
	}
	switch {
	case s.watch:
		// FastWatchedFileHandler: no rotation, the watcher reopens.
	case s.rotation == "interval":
		if err := fo.setInterval(s.intervalType, s.interval); err != nil {
			return nil, err
		}
		fo.kind, fo.backups = rotInterval, s.maxCount
	case s.rotation == "size":
		fo.kind, fo.backups = rotSize, s.maxCount
		fo.maxBytes = int64(s.maxSizeMB) << 20
	}
	if err := fo.open(); err != nil {
		return nil, err
	}
	if fo.kind == rotInterval {
		t := fo.now().Unix()
		if st, err := os.Stat(path); err == nil {
			t = st.ModTime().Unix()
		}
		fo.rolloverAt = fo.computeRollover(t)
	}
	return fo, nil
}

// setInterval reads log_rotate_interval(_type) as oslo.log and
// TimedRotatingFileHandler do.
func (fo *fileOutput) setInterval(typ string, n int) error {
	var unit int64
	var suffix, ext string
	switch typ {
	case "seconds":
		fo.when, unit, suffix, ext = "s", 1, "%Y-%m-%d_%H-%M-%S", `^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(\.\w+)?$`
	case "minutes":
		fo.when, unit, suffix, ext = "m", 60, "%Y-%m-%d_%H-%M", `^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}(\.\w+)?$`
	case "hours":
		fo.when, unit, suffix, ext = "h", 3600, "%Y-%m-%d_%H", `^\d{4}-\d{2}-\d{2}_\d{2}(\.\w+)?$`
	case "days", "midnight":
		fo.when, unit, suffix, ext = "d", 86400, "%Y-%m-%d", `^\d{4}-\d{2}-\d{2}(\.\w+)?$`
		if typ == "midnight" {
			fo.when = "midnight"
		}
	case "weekday":
		// oslo.log turns log_rotate_interval into the day ("w" + n, 0 is
		// Monday) and also uses it as the number of weeks.
		if n < 0 || n > 6 {
			return fmt.Errorf("log: option log_rotate_interval: %d: with log_rotate_interval_type weekday it is the day of the rotation, 0 (Monday) to 6", n)
		}
		fo.when, fo.weekday, unit, suffix, ext = "w", n, 7*86400, "%Y-%m-%d", `^\d{4}-\d{2}-\d{2}(\.\w+)?$`
	default:
		return fmt.Errorf("log: option log_rotate_interval_type: unknown type %q", typ)
	}
	if n < 1 && fo.when != "w" && fo.when != "midnight" {
		return fmt.Errorf("log: option log_rotate_interval: %d: must be at least 1", n)
	}
	fo.interval = unit * int64(n)
	fo.suffix = compileDateFormat(suffix)
	fo.extMatch = regexp.MustCompile(ext)
	return nil
}

// open opens the file for appending and records its identity and size.
func (fo *fileOutput) open() error {
	f, err := os.OpenFile(fo.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("log: log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log: log file: %w", err)
	}
	if fo.f != nil {
		fo.f.Close()
	}
	fo.f = f
	fo.dev, fo.ino = fileID(st)
	fo.size = st.Size()
	fo.lastStat = fo.now()
	return nil
}

func fileID(st os.FileInfo) (dev, ino uint64) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Dev), uint64(s.Ino)
	}
	return 0, 0
}

// current reports whether the path still names the open file.
func (fo *fileOutput) current() bool {
	st, err := os.Stat(fo.path)
	if err != nil {
		return false
	}
	dev, ino := fileID(st)
	return dev == fo.dev && ino == fo.ino
}

func (fo *fileOutput) write(_ *rec, line, _ []byte) error {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if fo.closed {
		return fmt.Errorf("log: log file %s: closed", fo.path)
	}
	if fo.f == nil {
		if err := fo.open(); err != nil {
			return err
		}
	}
	n := int64(len(line) + 1)
	now := fo.now()
	switch fo.kind {
	case rotSize:
		if fo.maxBytes > 0 && fo.size+n >= fo.maxBytes {
			if err := fo.rolloverSize(n); err != nil {
				return err
			}
		}
	case rotInterval:
		if now.Unix() >= fo.rolloverAt {
			if err := fo.rolloverInterval(now); err != nil {
				return err
			}
		}
	}
	if now.Sub(fo.lastStat) >= fo.statEvery {
		// WatchedFileHandler's check (which Python makes on every
		// record): the file was moved or deleted, by logrotate or by
		// another process's rotation.
		fo.lastStat = now
		if !fo.current() {
			if err := fo.reopenLocked(); err != nil {
				return err
			}
		}
	}
	fo.buf = append(append(fo.buf[:0], line...), '\n')
	w, err := fo.f.Write(fo.buf)
	fo.size += int64(w)
	if err != nil {
		return fmt.Errorf("log: log file %s: %w", fo.path, err)
	}
	return nil
}

// lock takes the inter-process lock of a rotation on the open file.
func (fo *fileOutput) lock() func() {
	fd := int(fo.f.Fd())
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	return func() { syscall.Flock(fd, syscall.LOCK_UN) }
}

// rolloverSize is RotatingFileHandler.doRollover: name.N-1 to name.N,
// ..., name to name.1, unless another process did it already or the file
// is smaller than this process thought (copytruncate).
func (fo *fileOutput) rolloverSize(n int64) error {
	unlock := fo.lock()
	if !fo.current() {
		unlock()
		return fo.reopenLocked()
	}
	if st, err := fo.f.Stat(); err == nil && st.Size()+n < fo.maxBytes {
		fo.size = st.Size()
		unlock()
		return nil
	}
	if fo.backups > 0 {
		for i := fo.backups - 1; i > 0; i-- {
			sfn := fmt.Sprintf("%s.%d", fo.path, i)
			dfn := fmt.Sprintf("%s.%d", fo.path, i+1)
			if exists(sfn) {
				os.Remove(dfn)
				os.Rename(sfn, dfn)
			}
		}
		dfn := fo.path + ".1"
		os.Remove(dfn)
		if err := os.Rename(fo.path, dfn); err != nil && !os.IsNotExist(err) {
			unlock()
			return fmt.Errorf("log: rotate %s: %w", fo.path, err)
		}
	}
	unlock()
	return fo.reopenLocked()
}

// rolloverInterval is TimedRotatingFileHandler.doRollover: the file
// becomes name.<date of the interval's start>, the oldest beyond
// max_logfile_count are deleted.
func (fo *fileOutput) rolloverInterval(now time.Time) error {
	current := now.Unix()
	unlock := fo.lock()
	if !fo.current() {
		unlock()
		fo.rolloverAt = fo.nextRollover(current)
		return fo.reopenLocked()
	}
	dstNow := time.Unix(current, 0).IsDST()
	t := fo.rolloverAt - fo.interval
	tt := time.Unix(t, 0)
	if dstThen := tt.IsDST(); dstNow != dstThen {
		if dstNow {
			tt = time.Unix(t+3600, 0)
		} else {
			tt = time.Unix(t-3600, 0)
		}
	}
	dfn := fo.path + "." + string(fo.suffix.format(nil, tt))
	os.Remove(dfn)
	err := os.Rename(fo.path, dfn)
	if err == nil && fo.backups > 0 {
		for _, old := range fo.filesToDelete() {
			os.Remove(old)
		}
	}
	unlock()
	fo.rolloverAt = fo.nextRollover(current)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("log: rotate %s: %w", fo.path, err)
	}
	return fo.reopenLocked()
}

// nextRollover is the end of doRollover: the next rollover after now.
func (fo *fileOutput) nextRollover(current int64) int64 {
	next := fo.computeRollover(current)
	for next <= current && fo.interval > 0 {
		next += fo.interval
	}
	if fo.when == "midnight" || fo.when == "w" {
		dstNow := time.Unix(current, 0).IsDST()
		if dstAt := time.Unix(next, 0).IsDST(); dstNow != dstAt {
			if !dstNow {
				next -= 3600
			} else {
				next += 3600
			}
		}
	}
	return next
}

// computeRollover is TimedRotatingFileHandler.computeRollover, local
// time.
func (fo *fileOutput) computeRollover(t int64) int64 {
	if fo.when != "midnight" && fo.when != "w" {
		return t + fo.interval
	}
	lt := time.Unix(t, 0)
	h, m, s := lt.Clock()
	day := (int(lt.Weekday()) + 6) % 7 // 0 is Monday
	r := int64(86400 - ((h*60+m)*60 + s))
	result := t + r
	if fo.when == "w" && day != fo.weekday {
		wait := fo.weekday - day
		if day > fo.weekday {
			wait = 6 - day + fo.weekday + 1
		}
		next := result + int64(wait)*86400
		if dstNow, dstAt := lt.IsDST(), time.Unix(next, 0).IsDST(); dstNow != dstAt {
			if !dstNow {
				next -= 3600
			} else {
				next += 3600
			}
		}
		result = next
	}
	return result
}

// filesToDelete is TimedRotatingFileHandler.getFilesToDelete.
func (fo *fileOutput) filesToDelete() []string {
	dir, base := filepath.Split(fo.path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	prefix := stem + "."
	var result []string
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasPrefix(name, base) || !strings.HasPrefix(name, prefix) {
			continue
		}
		for _, part := range strings.Split(name[len(prefix):], ".") {
			if fo.extMatch.MatchString(part) {
				result = append(result, filepath.Join(dir, name))
				break
			}
		}
	}
	if len(result) < fo.backups {
		return nil
	}
	sort.Strings(result)
	return result[:len(result)-fo.backups]
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// reopenLocked closes and reopens the file; fo.mu is held.
func (fo *fileOutput) reopenLocked() error {
	if fo.f != nil {
		fo.f.Close()
		fo.f = nil
	}
	err := fo.open()
	if fo.onReopen != nil {
		fo.onReopen()
	}
	return err
}

// reopen is for SIGHUP: close, open again.
func (fo *fileOutput) reopen() error {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if fo.closed {
		return fmt.Errorf("log: log file %s: closed", fo.path)
	}
	return fo.reopenLocked()
}

// reopenIfMoved reopens the file if the path no longer names it: the
// watcher's reaction to a move or a deletion.
func (fo *fileOutput) reopenIfMoved() error {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if fo.closed || fo.f != nil && fo.current() {
		return nil
	}
	return fo.reopenLocked()
}

func (fo *fileOutput) close() error {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	fo.closed = true
	if fo.f == nil {
		return nil
	}
	err := fo.f.Close()
	fo.f = nil
	return err
}

func (fo *fileOutput) String() string { return "file:" + fo.path }

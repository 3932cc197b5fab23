package log

import (
	"fmt"
	"log/slog"
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

	// mu guards the lines waiting for the file and who writes them.
	mu      sync.Mutex
	idle    sync.Cond // signalled when a batch is written (to waiting) and when writing ends (to close)
	added   int64     // records added to pending, ever
	written int64     // records the writer has written (or failed to), ever
	waiting int       // callers waiting for their record to be written
	room    sync.Cond // signalled when the writer takes a full pending
	full    int       // callers waiting on room
	closed  bool
	writing bool   // a caller is writing pending to the file
	pending []byte // lines waiting, each with its newline
	ends    []int  // where each record of pending ends
	spare   []byte // the last batch's buffer, reused
	spareE  []int

	// fmu guards the file: held while a batch is written, a rotation
	// is done or the file is reopened.
	fmu        sync.Mutex
	f          *os.File
	dev, ino   uint64
	size       int64 // this process's idea of the file's size
	rolloverAt int64
	lastStat   time.Time
}

func newFileOutput(path string, s settings, env outputEnv) (*fileOutput, error) {
	fo := &fileOutput{path: path, now: env.now, statEvery: env.statEvery, onReopen: nil}
	fo.idle.L, fo.room.L = &fo.mu, &fo.mu
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

// write appends the record's line to the file. The first caller to find
// nobody writing becomes the writer: it writes what is pending, then what
// the others added meanwhile, until nothing is left. The others only add
// their line and return: under concurrent requests the lines of several
// records go out in one write(2), and no caller sleeps on a lock held
// across a system call. A line is in the kernel before its writer returns, as
// with one write per record, and in order; a caller whose line another
// writes does not wait for it, and a write error is returned to the
// writer. A record at ERROR or above waits until it is written: it may
// be the last line of a process about to exit.
func (fo *fileOutput) write(e *rec, line, _ []byte) error {
	fo.mu.Lock()
	if fo.closed {
		fo.mu.Unlock()
		return fmt.Errorf("log: log file %s: closed", fo.path)
	}
	for fo.writing && len(fo.pending) >= maxPending {
		// The file is behind: wait for the writer to take the batch,
		// as callers waited for the lock before, so that pending
		// stays bounded.
		fo.full++
		fo.room.Wait()
		fo.full--
		if fo.closed {
			fo.mu.Unlock()
			return fmt.Errorf("log: log file %s: closed", fo.path)
		}
	}
	fo.pending = append(append(fo.pending, line...), '\n')
	fo.ends = append(fo.ends, len(fo.pending))
	fo.added++
	if fo.writing {
		if e != nil && e.level >= slog.LevelError {
			// An error may be the process's last words before it
			// exits: wait until the writer has written it.
			seq := fo.added
			fo.waiting++
			for fo.written < seq {
				fo.idle.Wait()
			}
			fo.waiting--
		}
		fo.mu.Unlock()
		return nil
	}
	fo.writing = true
	var err error
	for len(fo.pending) > 0 {
		batch, ends := fo.pending, fo.ends
		fo.pending, fo.ends = fo.spare[:0], fo.spareE[:0]
		if fo.full > 0 {
			fo.room.Broadcast()
		}
		fo.mu.Unlock()
		if e := fo.writeBatch(batch, ends); e != nil && err == nil {
			err = e
		}
		fo.mu.Lock()
		fo.written += int64(len(ends))
		if fo.waiting > 0 {
			fo.idle.Broadcast()
		}
		// pending now holds the old spare: the written batch is the
		// next spare, unless a burst made it too big to keep.
		fo.spare, fo.spareE = batch[:0], ends[:0]
		if cap(batch) > maxSpare {
			fo.spare, fo.spareE = nil, nil
		}
	}
	fo.writing = false
	if fo.closed {
		fo.idle.Broadcast()
	}
	fo.mu.Unlock()
	return err
}

// maxPending is how many bytes of lines may wait for the file before a
// caller waits for the writer to take them; maxSpare is the largest
// batch buffer kept for the next batch.
const (
	maxPending = 64 << 10
	maxSpare   = 2 * maxPending
)

// writeBatch writes records (ends[i] is where record i ends in batch)
// to the file, rotating it first when the handler's rule says so, and
// checking that the path still names it.
func (fo *fileOutput) writeBatch(batch []byte, ends []int) error {
	fo.fmu.Lock()
	defer fo.fmu.Unlock()
	if fo.f == nil {
		if err := fo.open(); err != nil {
			return err
		}
	}
	now := fo.now()
	if fo.kind == rotSize && fo.maxBytes > 0 && fo.size+int64(len(batch)) >= fo.maxBytes && len(ends) > 1 {
		// RotatingFileHandler decides per record: write them one by
		// one, so the rotation falls between the same two records.
		begin := 0
		for _, end := range ends {
			if err := fo.writeRecords(batch[begin:end], now); err != nil {
				return err
			}
			begin = end
		}
		return nil
	}
	return fo.writeRecords(batch, now)
}

// writeRecords writes b, whole records, after the rotation and
// moved-file checks Python's handlers make before each record; fmu is
// held.
func (fo *fileOutput) writeRecords(b []byte, now time.Time) error {
	n := int64(len(b))
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
	w, err := fo.f.Write(b)
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

// reopenLocked closes and reopens the file; fo.fmu is held.
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
	closed := fo.closed
	fo.mu.Unlock()
	if closed {
		return fmt.Errorf("log: log file %s: closed", fo.path)
	}
	fo.fmu.Lock()
	defer fo.fmu.Unlock()
	return fo.reopenLocked()
}

// reopenIfMoved reopens the file if the path no longer names it: the
// watcher's reaction to a move or a deletion.
func (fo *fileOutput) reopenIfMoved() error {
	fo.mu.Lock()
	closed := fo.closed
	fo.mu.Unlock()
	if closed {
		return nil
	}
	fo.fmu.Lock()
	defer fo.fmu.Unlock()
	if fo.f != nil && fo.current() {
		return nil
	}
	return fo.reopenLocked()
}

// close refuses further lines, waits for the writer to write what is
// pending, and closes the file.
func (fo *fileOutput) close() error {
	fo.mu.Lock()
	fo.closed = true
	for fo.writing {
		fo.idle.Wait()
	}
	fo.mu.Unlock()
	fo.fmu.Lock()
	defer fo.fmu.Unlock()
	if fo.f == nil {
		return nil
	}
	err := fo.f.Close()
	fo.f = nil
	return err
}

func (fo *fileOutput) String() string { return "file:" + fo.path }

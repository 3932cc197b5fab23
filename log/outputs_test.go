package log

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/reqctx"
)

// listenUnixgram listens on a datagram socket in a temporary directory.
func listenUnixgram(t *testing.T) (*net.UnixConn, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "gosl") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

func readDatagram(t *testing.T, c *net.UnixConn) ([]byte, []byte) {
	t.Helper()
	buf := make([]byte, 1<<20)
	oob := make([]byte, 1024)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		t.Fatal(err)
	}
	return buf[:n], oob[:oobn]
}

func TestSyslog(t *testing.T) {
	c, path := listenUnixgram(t)
	mustLevels(t, false, nil)
	s := defaultSettings()
	s.useSyslog, s.facility = true, "local3"
	s.logFile = filepath.Join(t.TempDir(), "also.log")
	h, err := build(s, "nova", "unknown", outputEnv{syslogPath: path, binary: "nova-api"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	slog.New(h).Warn("disk almost full")
	got, _ := readDatagram(t, c)
	// <PRI>Mmm dd hh:mm:ss ident: line; LOG_LOCAL3 (19<<3) | warning (4).
	re := regexp.MustCompile(`^<156>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d nova-api: \S+ \S+ \d+ WARNING root \[-\] disk almost full$`)
	if !re.Match(got) {
		t.Errorf("syslog datagram = %q", got)
	}
}

// parseJournal decodes the journal native protocol.
func parseJournal(t *testing.T, b []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			t.Fatalf("truncated entry: %q", b)
		}
		line := b[:nl]
		if k, v, ok := bytes.Cut(line, []byte("=")); ok {
			m[string(k)] = string(v)
			b = b[nl+1:]
			continue
		}
		n := binary.LittleEndian.Uint64(b[nl+1:])
		m[string(line)] = string(b[nl+9 : nl+9+int(n)])
		b = b[nl+9+int(n)+1:]
	}
	return m
}

func TestJournal(t *testing.T) {
	c, path := listenUnixgram(t)
	mustLevels(t, false, nil)
	s := defaultSettings()
	s.useJournal = true
	h, err := build(s, "nova", "unknown", outputEnv{journalPath: path, binary: "nova-api"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if len(h.outs) != 1 {
		t.Fatalf("outputs = %v: journal only, no stdout", h.outs)
	}
	rc := &reqctx.RequestContext{RequestID: "req-j", UserID: "u", ProjectID: "p", ProjectName: "demo"}
	ctx := reqctx.With(context.Background(), rc)
	slog.New(h).With(KeyLogger, "nova.compute").ErrorContext(ctx, "spawn failed",
		Exception(errors.New("RuntimeError: no host\nsecond line")))
	got, _ := readDatagram(t, c)
	m := parseJournal(t, got)
	for k, want := range map[string]string{
		"LOGGER_NAME": "nova.compute", "LOGGER_LEVEL": "ERROR", "PRIORITY": "3", "SYSLOG_FACILITY": "8",
		"SYSLOG_IDENTIFIER": "nova-api", "THREAD_NAME": "MainThread", "PROCESS_NAME": "MainProcess",
		"CODE_FUNC": "TestJournal", "REQUEST_ID": "req-j", "PROJECT_ID": "p", "PROJECT_NAME": "demo",
		"USER_ID": "u", "EXCEPTION_INFO": "RuntimeError: no host\nsecond line",
	} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q", k, m[k], want)
		}
	}
	if !strings.HasSuffix(m["CODE_FILE"], "outputs_test.go") || m["CODE_LINE"] == "" {
		t.Errorf("CODE_FILE, CODE_LINE = %q, %q", m["CODE_FILE"], m["CODE_LINE"])
	}
	if _, ok := m["USER_NAME"]; ok {
		t.Errorf("USER_NAME set for an unknown user name")
	}
	if !strings.Contains(m["MESSAGE"], "ERROR nova.compute [None req-j u p - - - -] spawn failed: RuntimeError: no host\nsecond line\n") {
		t.Errorf("MESSAGE = %q", m["MESSAGE"])
	}

	// A record larger than a datagram goes through a file descriptor.
	big := strings.Repeat("x", 4<<20)
	slog.New(h).Error(big)
	data, oob := readDatagram(t, c)
	if len(data) != 0 || len(oob) == 0 {
		t.Fatalf("large record: %d bytes of data, %d of control, want a descriptor", len(data), len(oob))
	}
	msgs, err := syscallParseRights(oob)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(msgs[0]), "passed")
	defer f.Close()
	f.Seek(0, 0) // journald maps the whole file
	var entry bytes.Buffer
	entry.ReadFrom(f)
	if m := parseJournal(t, entry.Bytes()); !strings.HasSuffix(m["MESSAGE"], big) {
		t.Errorf("large MESSAGE has %d bytes", len(m["MESSAGE"]))
	}
}

func TestRateLimit(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1700000000, 0)}
	rl, err := newRateLimiter(2, 5, "ERROR")
	if err != nil {
		t.Fatal(err)
	}
	rl.now = clock.now
	rl.end = clock.now().Add(rl.interval)
	type step struct {
		level    slog.Level
		advance  time.Duration
		ok, warn bool
	}
	for i, s := range []step{
		{slog.LevelInfo, 0, true, false},
		{slog.LevelInfo, 0, true, false},
		{slog.LevelInfo, 0, false, true},  // the first dropped: the warning
		{slog.LevelWarn, 0, false, false}, // dropped silently
		{slog.LevelError, 0, true, false}, // at the except level
		{LevelCritical, 0, true, false},
		{slog.LevelInfo, 5 * time.Second, true, false}, // a new interval
		{slog.LevelInfo, 0, true, false},
		{slog.LevelInfo, 0, false, true},
	} {
		clock.add(s.advance)
		ok, warn := rl.allow(s.level)
		if ok != s.ok || warn != s.warn {
			t.Errorf("step %d: allow(%v) = %v, %v; want %v, %v", i, s.level, ok, warn, s.ok, s.warn)
		}
	}
	if _, err := newRateLimiter(1, 1, ""); err != nil {
		t.Errorf("empty except level: %v", err)
	}

	// Through a Handler: the warning line appears once.
	path := filepath.Join(t.TempDir(), "rl.log")
	h := fileHandler(t, path, func(s *settings) { s.rateBurst, s.rateInterval, s.rateExcept = 3, 3600, "CRITICAL" }, nil)
	for range 10 {
		slog.New(h).Info("spam")
	}
	slog.New(h).Log(context.Background(), LevelCritical, "important")
	h.Close()
	want := "spam|spam|spam|Logging rate limit: drop after 3 records/3600 sec|important"
	if got := strings.Join(readLines(t, path), "|"); got != want {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	dbPass := &config.Opt[string]{Name: "db_password", Group: "database", Secret: true}
	conn := &config.Opt[string]{Name: "connection", Group: "database", Secret: true, Mutable: true}
	short := &config.Opt[string]{Name: "pin", Secret: true}
	logFile := filepath.Join(t.TempDir(), "s.log")
	body := "[DEFAULT]\nlog_file = " + logFile + "\npin = 42\n[database]\ndb_password = hunter2-\"quoted\"\nconnection = mysql://nova:s3cr3t@db/nova\n"
	conf, file := loadConf(t, body, dbPass, conn, short)
	setup(t, conf)
	l := Get("nova.db")
	l.Info("connecting to mysql://nova:s3cr3t@db/nova", "password", "hunter2-\"quoted\"")
	conf.LogValues(l, slog.LevelInfo)
	os.WriteFile(file, []byte(strings.Replace(body, "s3cr3t", "n3wpass", 1)), 0o644)
	if _, err := conf.Mutate(); err != nil {
		t.Fatal(err)
	}
	l.Info("now mysql://nova:n3wpass@db/nova")
	data, _ := os.ReadFile(logFile)
	for _, secret := range []string{"s3cr3t", "hunter2", "n3wpass"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the log shows the secret %q:\n%s", secret, data)
		}
	}
	for _, want := range []string{"connecting to ****", `password="****"`, "database.connection            = ****",
		"now ****"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the log lacks %q:\n%s", want, data)
		}
	}
}

func TestBeforeSetupAndClose(t *testing.T) {
	mustLevels(t, false, nil)
	path := filepath.Join(t.TempDir(), "c.log")
	h := fileHandler(t, path, nil, nil)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := h.Reopen(); err == nil {
		t.Error("Reopen after Close succeeded")
	}
	// Records to a closed handler go to standard error, not to the file.
	r, w, _ := os.Pipe()
	old := os.Stderr
	os.Stderr = w
	slog.New(h).Warn("after close", "k", "v")
	os.Stderr = old
	w.Close()
	var out bytes.Buffer
	out.ReadFrom(r)
	if out.String() != "after close k=v\n" {
		t.Errorf("stderr = %q", out.String())
	}
	if lines := readLines(t, path); len(lines) != 0 {
		t.Errorf("file = %q", lines)
	}
}

package log

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goslo/goslo/config"
)

func TestLevelNumbers(t *testing.T) {
	for _, tc := range []struct {
		l    slog.Level
		py   int
		name string
	}{
		{LevelTrace, 5, "TRACE"}, {slog.LevelDebug, 10, "DEBUG"}, {slog.LevelInfo, 20, "INFO"},
		{slog.LevelWarn, 30, "WARNING"}, {slog.LevelError, 40, "ERROR"}, {LevelCritical, 50, "CRITICAL"},
		{slog.Level(2), 25, "Level 25"}, {slog.Level(1), 22, "Level 22"}, {slog.Level(-1), 17, "Level 17"},
		{slog.Level(-8), 0, "Level 0"},
	} {
		if got := pyLevel(tc.l); got != tc.py {
			t.Errorf("pyLevel(%v) = %d, want %d", tc.l, got, tc.py)
		}
		if got := levelName(tc.l); got != tc.name {
			t.Errorf("levelName(%v) = %q, want %q", tc.l, got, tc.name)
		}
		if got := slogLevel(tc.py); pyLevel(got) < tc.py || pyLevel(got-1) >= tc.py {
			t.Errorf("slogLevel(%d) = %v: not the lowest level at or above it", tc.py, got)
		}
	}
}

func TestParseLevels(t *testing.T) {
	type probe struct {
		name  string
		level slog.Level
		want  bool
	}
	for _, tc := range []struct {
		desc   string
		debug  bool
		pairs  []string
		probes []probe
	}{
		{"defaults", false, DefaultLogLevels(), []probe{
			{"amqp", slog.LevelInfo, false}, {"amqp", slog.LevelWarn, true},
			{"amqp.connection", slog.LevelInfo, false},                            // child of amqp
			{"amqplib", slog.LevelWarn, true}, {"amqplib", slog.LevelInfo, false}, // its own entry
			{"amqpx", slog.LevelInfo, true}, // not a child of amqp
			{"urllib3.connectionpool", slog.LevelInfo, false}, {"urllib3", slog.LevelInfo, true},
			{"nova.api", slog.LevelInfo, true}, {"nova.api", slog.LevelDebug, false},
			{"oslo.messaging", slog.LevelInfo, true}, {"oslo.messaging", slog.LevelDebug, false},
		}},
		{"debug", true, DefaultLogLevels(), []probe{
			{"nova.api", slog.LevelDebug, true}, {"nova.api", LevelTrace, false},
			{"amqp", slog.LevelInfo, false}, {"suds", slog.LevelDebug, false},
		}},
		{"longest prefix and later pairs win", false,
			[]string{"nova=ERROR", "nova.api=DEBUG", "nova.api.v2=CRITICAL", "nova=WARNING"}, []probe{
				{"nova", slog.LevelInfo, false}, {"nova", slog.LevelWarn, true},
				{"nova.compute", slog.LevelWarn, true}, {"nova.api", slog.LevelDebug, true},
				{"nova.api.v2.servers", slog.LevelError, false}, {"nova.api.v2.servers", LevelCritical, true},
				{"nova.apis", slog.LevelInfo, false}, {"nova.apis", slog.LevelWarn, true},
			}},
		{"numbers, TRACE, NOTSET, root", false,
			[]string{"a=5", "b=TRACE", "c=25", "d=ERROR", "d=NOTSET", "=WARN"}, []probe{
				{"a", LevelTrace, true}, {"a", slog.Level(-7), false}, {"b.x", LevelTrace, true},
				{"c", slog.Level(2), true}, {"c", slog.LevelInfo, false},
				{"d", slog.LevelInfo, false}, {"d", slog.LevelWarn, true}, // NOTSET: the root's WARN
				{"other", slog.LevelInfo, false},
			}},
		{"root by name beats debug", true, []string{"root=ERROR"}, []probe{
			{"x", slog.LevelWarn, false}, {"x", slog.LevelError, true},
		}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			lt, err := parseLevels(tc.debug, tc.pairs)
			if err != nil {
				t.Fatal(err)
			}
			lt.apply()
			t.Cleanup(func() { mustLevels(t, false, nil) })
			for _, p := range tc.probes {
				got := Get(p.name).Enabled(context.Background(), p.level)
				if got != p.want {
					t.Errorf("Get(%q).Enabled(%v) = %v, want %v", p.name, p.level, got, p.want)
				}
			}
		})
	}
}

func mustLevels(t *testing.T, debug bool, pairs []string) {
	lt, err := parseLevels(debug, pairs)
	if err != nil {
		t.Fatal(err)
	}
	lt.apply()
}

func TestGetNames(t *testing.T) {
	if Get("oslo_messaging.rpc") != Get("oslo.messaging.rpc") {
		t.Error(`Get("oslo_messaging.rpc") is not Get("oslo.messaging.rpc")`)
	}
	if Get("nova") != Get("nova") {
		t.Error("Get is not cached")
	}
	if Get("").Handler().(*handler).node != rootNode || Get("root").Handler().(*handler).node != rootNode {
		t.Error(`Get("") and Get("root") are not the root logger`)
	}
}

// TestMutate changes debug and default_log_levels in the config file and
// calls conf.Mutate: the levels change at once, and a broken value
// leaves them alone.
func TestMutate(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "m.log")
	conf, file := loadConf(t, "[DEFAULT]\nlog_file = "+logFile+"\ndebug = false\ndefault_log_levels = chatty=ERROR\n")
	setup(t, conf)
	ctx := context.Background()
	l, chatty := Get("nova.mutate"), Get("chatty.lib")
	if l.Enabled(ctx, slog.LevelDebug) || chatty.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("levels before mutate are wrong")
	}
	write := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("[DEFAULT]\nlog_file = " + logFile + "\ndebug = true\ndefault_log_levels = chatty=WARNING\n")
	if _, err := conf.Mutate(); err != nil {
		t.Fatal(err)
	}
	if !l.Enabled(ctx, slog.LevelDebug) || !chatty.Enabled(ctx, slog.LevelWarn) || chatty.Enabled(ctx, slog.LevelInfo) {
		t.Error("levels after mutate are wrong")
	}
	l.Debug("debug now shows")

	write("[DEFAULT]\nlog_file = " + logFile + "\ndebug = true\ndefault_log_levels = chatty=LOUD\n")
	if _, err := conf.Mutate(); err != nil {
		t.Fatal(err)
	}
	if !chatty.Enabled(ctx, slog.LevelWarn) || !l.Enabled(ctx, slog.LevelDebug) {
		t.Error("a bad default_log_levels changed the levels")
	}
	data, _ := os.ReadFile(logFile)
	for _, want := range []string{"DEBUG nova.mutate [-] debug now shows", `unknown level: "LOUD"; the levels stay as they were`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("log file lacks %q:\n%s", want, data)
		}
	}
}

// TestMutateLogsUnderNoLock changes an immutable option, and a deprecated
// one, in the file and calls conf.Mutate and conf.Reload with the
// Config's own logger writing through this package: config's warnings
// ("Ignoring change to immutable option", deprecations) go through the
// handler, which reads the Config for its secrets. Config must not hold
// its lock while it logs, or the process deadlocks on SIGHUP.
func TestMutateLogsUnderNoLock(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "m.log")
	conf, file := loadConf(t, "[DEFAULT]\nlog_file = "+logFile+"\nuse_stderr = false\n",
		&config.Opt[string]{Name: "banner", Default: "pyref"},
		&config.Opt[string]{Name: "old_knob", DeprecatedForRemoval: true})
	setup(t, conf)
	conf.SetLogger(Get("goslo.config"))
	if err := os.WriteFile(file, []byte("[DEFAULT]\nlog_file = "+logFile+"\nuse_stderr = false\nbanner = new\nold_knob = x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"Mutate", func() error { _, err := conf.Mutate(); return err }},
		{"Reload", conf.Reload},
	} {
		done := make(chan error, 1)
		go func() { done <- call.f() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v", call.name, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s did not return: config logs while it holds its lock", call.name)
		}
	}
	data, _ := os.ReadFile(logFile)
	for _, want := range []string{"Ignoring change to immutable option DEFAULT.banner", `Option "old_knob" from group "DEFAULT" is deprecated for removal`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("log file lacks %q:\n%s", want, data)
		}
	}
}

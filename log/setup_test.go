package log

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/reqctx"
)

// loadConf registers the logging options (and extra ones) and loads a
// config file with the given body.
func loadConf(t *testing.T, body string, extra ...config.Option) (*config.Config, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "test.conf")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if len(extra) > 0 {
		if err := conf.Register(extra...); err != nil {
			t.Fatal(err)
		}
	}
	if err := conf.Load([]string{"--config-file", file}, config.LoadOptions{DefaultConfigFiles: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return conf, file
}

// setup calls Setup and closes the handler at the end of the test.
func setup(t *testing.T, conf *config.Config) *Handler {
	t.Helper()
	h, err := Setup(conf, "nova")
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(data), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestSetupLogFile(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "nova-api.log")
	conf, _ := loadConf(t, "[DEFAULT]\nlog_file = "+logFile+"\n")
	h := setup(t, conf)

	rc := &reqctx.RequestContext{RequestID: "req-abc", UserID: "u1", ProjectID: "p1", IsAdminProject: true}
	ctx := reqctx.With(context.Background(), rc)
	Get("nova.api.wsgi").InfoContext(ctx, "GET /servers", "status", 200)
	slog.Warn("from slog.Default")
	Get("nova.api").Debug("not shown: debug is off")
	Get("nova.api").Error("failed", Exception(errors.New("ValueError: boom")))
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, logFile)
	pid := os.Getpid()
	want := []string{
		`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ` + strconv.Itoa(pid) + ` INFO nova\.api\.wsgi \[None req-abc u1 p1 - - - -\] GET /servers status=200$`,
		`^\S+ \S+ ` + strconv.Itoa(pid) + ` WARNING root \[-\] from slog\.Default$`,
		`^\S+ \S+ ` + strconv.Itoa(pid) + ` ERROR nova\.api \[-\] failed: ValueError: boom$`,
		`^\S+ \S+ ` + strconv.Itoa(pid) + ` ERROR nova\.api ValueError: boom$`,
		`^\S+ \S+ ` + strconv.Itoa(pid) + ` ERROR nova\.api $`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want it to match %s", i, lines[i], re)
		}
	}
}

func TestSetupStdoutAndJSON(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := defaultSettings()
	s.useJSON = true
	h, err := build(s, "nova", "unknown", outputEnv{stdout: w, hostname: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("hello", "k", "v")
	h.Close()
	w.Close()
	var out bytes.Buffer
	out.ReadFrom(r)
	line := out.String()
	for _, want := range []string{`{"message": "hello", "asctime": `, `"name": "root"`, `"levelname": "INFO"`,
		`"hostname": "h1"`, `"context": {}, "extra": {"k": "v"}}` + resetColor + "\n"} {
		// oslo's ColorHandler ends stream lines with the colour reset
		// sequence, JSON ones too.
		if !strings.Contains(line, want) {
			t.Errorf("JSON line %q lacks %q", line, want)
		}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSuffix(line, resetColor+"\n")), &m); err != nil {
		t.Errorf("not JSON: %v", err)
	}
}

func TestSetupErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, conf, want string
		is               error
	}{
		{"unknown field in context format", "logging_context_format_string = %(asctime)s %(bogus)s", "option logging_context_format_string: %(bogus)s: unknown field", nil},
		{"unknown field in default format", "logging_default_format_string = %(nme)s", "option logging_default_format_string: %(nme)s: unknown field", nil},
		{"bad conversion", "logging_default_format_string = %(name)q", "option logging_default_format_string: unsupported format character 'q'", nil},
		{"incomplete", "logging_default_format_string = %(name)", "option logging_default_format_string: incomplete format", nil},
		{"number for a string", "logging_default_format_string = %(name)d", "%d needs a number, and name is not one", nil},
		{"integer for a float", "logging_default_format_string = %(created)x", "%x needs an integer", nil},
		{"positional", "logging_default_format_string = %s", "has no mapping key", nil},
		{"suffix", "logging_debug_format_suffix = %(func)s", "option logging_debug_format_suffix: %(func)s: unknown field", nil},
		{"prefix message", "logging_exception_prefix = %(message)s", "option logging_exception_prefix: %(message)s: the field is not known yet", nil},
		{"uuid format", "instance_uuid_format = [%(id)s]", "option instance_uuid_format: %(id)s: unknown field", nil},
		{"user identity number", "logging_user_identity_format = %(user)d", "option logging_user_identity_format", nil},
		{"unknown level", "default_log_levels = amqp=warn", `option default_log_levels: "amqp=warn": unknown level: "warn"`, nil},
		{"no level", "default_log_levels = amqp", `unknown level: ""`, nil},
		{"facility", "use_syslog = true\nsyslog_log_facility = LOG_NOPE", "option syslog_log_facility: \"LOG_NOPE\": syslog facility must be one of: 'LOG_KERN'", nil},
		{"log config append", "log_config_append = /etc/nova/logging.conf", "option log_config_append (/etc/nova/logging.conf)", ErrLogConfigAppend},
		{"eventlog", "use_eventlog = true", "option use_eventlog", nil},
		{"publish errors", "publish_errors = true", "option publish_errors", nil},
		{"rate limit level", "rate_limit_burst = 1\nrate_limit_interval = 1\nrate_limit_except_level = LOUD", "option rate_limit_except_level", nil},
		{"weekday", "log_file = " + filepath.Join(dir, "w.log") + "\nlog_rotation_type = interval\nlog_rotate_interval_type = weekday\nlog_rotate_interval = 7", "option log_rotate_interval: 7", nil},
		{"no directory", "log_file = " + filepath.Join(dir, "missing", "x.log"), "log: log file: open " + filepath.Join(dir, "missing", "x.log"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf, _ := loadConf(t, "[DEFAULT]\n"+tc.conf+"\n")
			h, err := Setup(conf, "nova")
			if err == nil {
				h.Close()
				t.Fatalf("Setup succeeded, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "log: ") {
				t.Errorf("Setup error = %q, want one starting with \"log: \" and containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Setup error %v is not %v", err, tc.is)
			}
			if active.Load() != nil {
				t.Errorf("a failed Setup left a handler installed")
			}
		})
	}
}

func TestSetupNotRegistered(t *testing.T) {
	conf := config.New()
	if err := conf.Load(nil, config.LoadOptions{DefaultConfigFiles: []string{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Setup(conf, "nova"); err == nil || !strings.Contains(err.Error(), "RegisterOptions") {
		t.Fatalf("Setup without options = %v, want an error naming RegisterOptions", err)
	}
}

func TestRegisterOptionsCLI(t *testing.T) {
	dir := t.TempDir()
	conf := config.New()
	if err := RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := RegisterOptions(conf); err != nil {
		t.Fatalf("registering twice: %v", err)
	}
	args := []string{"-d", "--logfile", "old-name.log", "--log-dir", dir, "--use-json", "--use-syslog",
		"--syslog-log-facility", "local3", "--log-date-format", "%H", "--watch-log-file", "--use-journal"}
	if err := conf.Load(args, config.LoadOptions{DefaultConfigFiles: []string{}, IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]any{"debug": true, "log_file": "old-name.log", "log_dir": dir,
		"use_json": true, "use_syslog": true, "syslog_log_facility": "local3", "log_date_format": "%H",
		"watch_log_file": true, "use_journal": true, "use_stderr": false, "max_logfile_count": 30,
		"log_rotation_type": "none", "rate_limit_except_level": "CRITICAL",
		"instance_format": "[instance: %(uuid)s] "} {
		got, err := conf.Value("DEFAULT", name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !equalAny(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	if got := defaultLogLevelsOpt.Get(conf); strings.Join(got, ",") != strings.Join(DefaultLogLevels(), ",") {
		t.Errorf("default_log_levels = %v", got)
	}
	if p := logFilePath(logFileOpt.Get(conf), logDirOpt.Get(conf), "nova-api"); p != filepath.Join(dir, "old-name.log") {
		t.Errorf("log file path = %q", p)
	}
}

func equalAny(a, b any) bool { return a == b }

func TestLogFilePath(t *testing.T) {
	for _, tc := range []struct{ file, dir, want string }{
		{"", "", ""},
		{"a.log", "", "a.log"},
		{"a.log", "/var/log/nova", "/var/log/nova/a.log"},
		{"/abs/a.log", "/var/log/nova", "/abs/a.log"},
		{"", "/var/log/nova", "/var/log/nova/nova-api.log"},
	} {
		if got := logFilePath(tc.file, tc.dir, "nova-api"); got != tc.want {
			t.Errorf("logFilePath(%q, %q) = %q, want %q", tc.file, tc.dir, got, tc.want)
		}
	}
}

func TestSetDefaults(t *testing.T) {
	conf := config.New()
	RegisterOptions(conf)
	if err := SetDefaults(conf, "%(message)s", []string{"a=DEBUG"}); err != nil {
		t.Fatal(err)
	}
	conf.Load(nil, config.LoadOptions{DefaultConfigFiles: []string{}, IgnoreEnv: true})
	if got := contextFormatOpt.Get(conf); got != "%(message)s" {
		t.Errorf("context format = %q", got)
	}
	if got := defaultLogLevelsOpt.Get(conf); len(got) != 1 || got[0] != "a=DEBUG" {
		t.Errorf("default_log_levels = %v", got)
	}
}

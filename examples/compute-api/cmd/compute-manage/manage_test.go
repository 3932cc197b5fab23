package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/examples/compute-api/api"
	"github.com/goslo/goslo/examples/compute-api/app"
	"github.com/goslo/goslo/examples/compute-api/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: errors on successful test run:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// testdata is the example's testdata directory.
const testdata = "../../testdata/compute-manage"

// shippedConf is the configuration file the README starts the service with.
const shippedConf = "../../etc/compute-api.conf"

type result struct {
	code           int
	stdout, stderr string
}

// manageRun runs compute-manage in this process.
func manageRun(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// newConf writes a configuration file whose state (the SQLite database)
// lives in a directory of the test's own, followed by extra lines.
func newConf(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "compute-api.conf")
	text := "[DEFAULT]\nstate_path = " + filepath.Join(dir, "state") + "\n" + strings.Join(extra, "\n") + "\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadConf loads a configuration file with every option of the service.
func loadConf(t *testing.T, args ...string) *config.Config {
	t.Helper()
	conf := config.New()
	if err := app.RegisterOptions(conf); err != nil {
		t.Fatal(err)
	}
	if err := conf.Load(args, config.LoadOptions{Prog: "test", DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{},
		IgnoreEnv: true}); err != nil {
		t.Fatal(err)
	}
	return conf
}

var durationRE = regexp.MustCompile(` in [0-9.]+(ns|µs|ms|s)$`)

// lines splits output into lines, durations replaced by " in D".
func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	out := strings.Split(s, "\n")
	for i, l := range out {
		out[i] = durationRE.ReplaceAllString(l, " in D")
	}
	return out
}

func TestDBSync(t *testing.T) {
	const (
		goslo   = "Applied 00001_cluster.sql (goslo's tables, version 1) in D"
		init1   = "Applied 00001_init.sql (version 1) in D"
		flavors = "Applied 00002_default_flavors.sql (version 2) in D"
	)
	type step struct {
		args   []string
		code   int
		stdout []string
		stderr string // a part of stderr; "" means stderr must be empty
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"from empty", []step{
			{args: []string{"db", "sync"}, stdout: []string{goslo, init1, flavors, "The database schema is now at version 2."}},
			{args: []string{"db", "version"}, stdout: []string{"2"}},
		}},
		{"when current", []step{
			{args: []string{"db", "sync"}, stdout: []string{goslo, init1, flavors, "The database schema is now at version 2."}},
			{args: []string{"db", "sync"}, stdout: []string{"The database schema is at version 2: nothing to apply."}},
			{args: []string{"db", "sync", "2"}, stdout: []string{"The database schema is at version 2: nothing to apply."}},
		}},
		{"to a version, then the rest", []step{
			{args: []string{"db", "sync", "1"}, stdout: []string{goslo, init1, "The database schema is now at version 1."}},
			{args: []string{"db", "version"}, stdout: []string{"1"}, stderr: "this release's schema is version 2: run compute-manage db sync"},
			{args: []string{"db", "sync"}, stdout: []string{flavors, "The database schema is now at version 2."}},
		}},
		{"no downgrade", []step{
			{args: []string{"db", "sync"}, stdout: []string{goslo, init1, flavors, "The database schema is now at version 2."}},
			{args: []string{"db", "sync", "1"}, code: exitFailure, stderr: "the database is at version 2, after 1: downgrades are not supported"},
			{args: []string{"db", "version"}, stdout: []string{"2"}},
		}},
		{"a version this release does not know", []step{
			{args: []string{"db", "sync", "3"}, code: exitFailure, stderr: "compute-manage: db sync: there is no version 3: the latest this release knows is 2"},
			{args: []string{"db", "version"}, stdout: []string{"0"}, stderr: "run compute-manage db sync"},
		}},
		{"bad VERSION", []step{
			{args: []string{"db", "sync", "abc"}, code: exitUsage, stderr: `VERSION must be a positive integer, not "abc"`},
			{args: []string{"db", "sync", "0"}, code: exitUsage, stderr: `VERSION must be a positive integer, not "0"`},
			{args: []string{"db", "sync", "-1"}, code: exitUsage, stderr: `VERSION must be a positive integer, not "-1"`},
			{args: []string{"db", "sync", "1", "2"}, code: exitUsage, stderr: "db sync: unexpected arguments: 2"},
		}},
		{"version of no database", []step{
			{args: []string{"db", "version"}, code: exitFailure, stderr: "db version: no database at "},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := newConf(t)
			for i, s := range c.steps {
				r := manageRun(t, append([]string{"--config-file", conf}, s.args...)...)
				if r.code != s.code {
					t.Fatalf("step %d %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", i, s.args, r.code, s.code, r.stdout, r.stderr)
				}
				if diff := cmp.Diff(s.stdout, lines(r.stdout)); diff != "" {
					t.Errorf("step %d %v: stdout (-want +got):\n%s", i, s.args, diff)
				}
				if s.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, s.stderr) {
					t.Errorf("step %d %v: stderr %q, want it to contain %q", i, s.args, r.stderr, s.stderr)
				}
			}
		})
	}
}

// TestDBSyncMakesTheServiceSchema checks that the schema db sync makes is
// the one the service accepts, with its default flavors.
func TestDBSyncMakesTheServiceSchema(t *testing.T) {
	path := newConf(t, "[database]", "auto_create_schema = false")
	if r := manageRun(t, "--config-file", path, "db", "sync"); r.code != 0 {
		t.Fatalf("db sync: exit %d: %s", r.code, r.stderr)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, loadConf(t, "--config-file", path))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	list, err := st.ListFlavors(ctx, api.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range list {
		v, _ := f.Get("name")
		names = append(names, v.(string))
	}
	want := []string{"m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("flavors after db sync (-want +got):\n%s", diff)
	}
}

func TestUsage(t *testing.T) {
	conf := newConf(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command", []string{"--config-file", conf}, exitUsage, "", "compute-manage: error: a command is required"},
		{"unknown category", []string{"--config-file", conf, "volume", "list"}, exitUsage, "",
			`unknown category "volume" (choose from db, config, service)`},
		{"no action", []string{"--config-file", conf, "db"}, exitUsage, "", "db: an action is required (choose from sync, version)"},
		{"unknown action", []string{"--config-file", conf, "service", "delete"}, exitUsage, "",
			`service: unknown action "delete" (choose from list)`},
		{"extra arguments", []string{"--config-file", conf, "service", "list", "now"}, exitUsage, "",
			"service list: unexpected arguments: now"},
		{"output file elsewhere", []string{"--config-file", conf, "--output-file", "x", "db", "version"}, exitUsage, "",
			"db version: --output-file is an argument of config generate only"},
		{"unknown option", []string{"--config-file", conf, "--no-such-flag", "db", "version"}, exitUsage, "",
			"unrecognized arguments: --no-such-flag"},
		{"missing config file", []string{"--config-file", conf + ".missing", "db", "version"}, exitFailure, "",
			"failed to find some config files: " + conf + ".missing"},
		{"bad value", []string{"--config-file", filepath.Join(testdata, "bad.conf"), "db", "version"}, exitFailure, "",
			"bad.conf:4: [DEFAULT] compute_api_listen_port: invalid value \"99999\""},
		{"help", []string{"--help"}, exitOK, "config validate", ""},
		{"version", []string{"--version"}, exitOK, version, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := manageRun(t, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, c.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, c.stdout) {
				t.Errorf("stdout %q, want it to contain %q", r.stdout, c.stdout)
			}
			if c.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, c.stderr)
			}
		})
	}
}

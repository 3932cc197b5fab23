package config

import (
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// write creates a file under dir and returns its path.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var noFiles = LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}, IgnoreEnv: true}

func quiet(c *Config) *Config {
	c.SetLogger(slog.New(slog.DiscardHandler))
	return c
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.conf", "[DEFAULT]\nname = from-a\ncli = file-a\n")
	b := write(t, dir, "b.conf", "[DEFAULT]\nname = from-b\n")
	write(t, dir, "d/2.conf", "[DEFAULT]\nname = from-d2\n")
	write(t, dir, "d/1.conf", "[DEFAULT]\nname = from-d1\n")
	d := filepath.Join(dir, "d")

	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
		src  Source
	}{
		{"default", nil, nil, "dflt", SourceDefault},
		{"one file", []string{"--config-file", a}, nil, "from-a", SourceFile},
		{"later file wins", []string{"--config-file", a, "--config-file", b}, nil, "from-b", SourceFile},
		{"dir after file", []string{"--config-file", b, "--config-dir", d}, nil, "from-d2", SourceFile},
		{"file after dir", []string{"--config-dir", d, "--config-file", a}, nil, "from-a", SourceFile},
		{"env beats file", []string{"--config-file", a}, map[string]string{"OS_DEFAULT__NAME": "from-env"}, "from-env", SourceEnvironment},
		{"env without file", nil, map[string]string{"OS_DEFAULT__NAME": "from-env"}, "from-env", SourceEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := &Opt[string]{Name: "name", Default: "dflt"}
			c := quiet(New())
			if err := c.Register(name); err != nil {
				t.Fatal(err)
			}
			lo := noFiles
			lo.IgnoreEnv = false
			lo.LookupEnv = func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			if err := c.Load(tt.args, lo); err != nil {
				t.Fatal(err)
			}
			if got := name.Get(c); got != tt.want {
				t.Errorf("value = %q, want %q", got, tt.want)
			}
			if got := name.Location(c).Source; got != tt.src {
				t.Errorf("source = %v, want %v", got, tt.src)
			}
		})
	}
}

func TestCommandLineOrder(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.conf", "[DEFAULT]\nverbose = false\nlevel = file\n[api]\nport = 1\n")
	tests := []struct {
		args    []string
		verbose bool
		level   string
		port    int
	}{
		{[]string{"--verbose", "--config-file", a}, false, "file", 1},
		{[]string{"--config-file", a, "--verbose"}, true, "file", 1},
		{[]string{"--config-file", a, "--level", "cli", "--api-port=9"}, false, "cli", 9},
		{[]string{"--level=cli", "--config-file", a, "--noverbose"}, false, "file", 1},
		{[]string{"--config-file", a, "-v", "-lshort"}, true, "short", 1},
		{[]string{"--config-file", a, "--lev", "abbrev"}, false, "abbrev", 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			verbose := &Opt[bool]{Name: "verbose", Short: "v", Default: false}
			level := &Opt[string]{Name: "level", Short: "l"}
			port := &Opt[int]{Name: "port", Group: "api", Type: Port{}}
			c := quiet(New())
			if err := c.RegisterCLI(verbose, level, port); err != nil {
				t.Fatal(err)
			}
			if err := c.Load(tt.args, noFiles); err != nil {
				t.Fatal(err)
			}
			if verbose.Get(c) != tt.verbose || level.Get(c) != tt.level || port.Get(c) != tt.port {
				t.Errorf("got verbose=%v level=%q port=%d, want %v %q %d",
					verbose.Get(c), level.Get(c), port.Get(c), tt.verbose, tt.level, tt.port)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unrecognized arguments: --bogus"},
		{[]string{"--level"}, "expected one argument"},
		{[]string{"--count", "x"}, "argument --count"},
		{[]string{"--verbose=yes"}, "ignored explicit argument"},
		{[]string{"--config"}, "ambiguous option"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			c := quiet(New())
			if err := c.RegisterCLI(&Opt[bool]{Name: "verbose"}, &Opt[string]{Name: "level"}, &Opt[int]{Name: "count"}); err != nil {
				t.Fatal(err)
			}
			err := c.Load(tt.args, noFiles)
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load(%q) = %v, want a UsageError containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	var out strings.Builder
	c := quiet(New())
	if err := c.RegisterCLI(&Opt[int]{Name: "workers", Help: "How many workers to run."}); err != nil {
		t.Fatal(err)
	}
	lo := noFiles
	lo.Stdout, lo.Prog, lo.Version = &out, "svc", "1.2.3"
	if err := c.Load([]string{"--help"}, lo); !errors.Is(err, ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"usage: svc", "--workers WORKERS", "How many workers", "--config-file PATH"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := c.Load([]string{"--version"}, lo); !errors.Is(err, ErrVersion) || out.String() != "1.2.3\n" {
		t.Fatalf("--version: %v %q", err, out.String())
	}
}

func TestErrorsNameFileLineGroupOption(t *testing.T) {
	dir := t.TempDir()
	good := write(t, dir, "good.conf", "[DEFAULT]\nworkers = 2\n")
	bad := write(t, dir, "bad.conf", "[DEFAULT]\n# comment\n\n[api]\nworkers = many\n")
	broken := write(t, dir, "broken.conf", "[DEFAULT]\nworkers = 2\n[api\n")
	tests := []struct {
		name string
		args []string
		as   any
		want []string
	}{
		{"bad value", []string{"--config-file", good, "--config-file", bad}, new(*ValueError), []string{bad + ":5", "[api] workers", `"many"`}},
		{"parse error", []string{"--config-file", broken}, new(*ParseError), []string{broken + ":3", "must end with ]"}},
		{"missing file", []string{"--config-file", filepath.Join(dir, "nope.conf")}, new(*FilesNotFoundError), []string{"nope.conf"}},
		{"missing dir", []string{"--config-dir", filepath.Join(dir, "nodir")}, new(*DirNotFoundError), []string{"nodir"}},
		{"required", []string{"--config-file", good}, new(*RequiredError), []string{"[api] token", "value required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := quiet(New())
			err := c.Register(
				&Opt[int]{Name: "workers", Group: "api", Default: 1},
				&Opt[int]{Name: "workers", Default: 1},
			)
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "required" {
				if err := c.Register(&Opt[string]{Name: "token", Group: "api", Required: true}); err != nil {
					t.Fatal(err)
				}
			}
			err = c.Load(tt.args, noFiles)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !errors.As(err, tt.as) {
				t.Errorf("error %v (%T) is not a %T", err, err, tt.as)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestInterpolation(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", `[DEFAULT]
state_path = /srv
literal = cost $$5 and \$6
bad = $nope
[database]
connection = sqlite:///$state_path/db.sqlite
url = ${api.host}:$port
port = 99
[api]
host = h
`)
	c := quiet(New())
	statePath := &Opt[string]{Name: "state_path", Default: "/var/lib/x"}
	literal := &Opt[string]{Name: "literal"}
	conn := &Opt[string]{Name: "connection", Group: "database"}
	url := &Opt[string]{Name: "url", Group: "database"}
	port := &Opt[int]{Name: "port", Group: "database"}
	host := &Opt[string]{Name: "host", Group: "api"}
	if err := c.Register(statePath, literal, conn, url, port, host); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ got, want string }{
		{conn.Get(c), "sqlite:////srv/db.sqlite"},
		{url.Get(c), "h:99"},
		{literal.Get(c), "cost $5 and $6"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// An unknown reference is an error naming both options.
	bad := &Opt[string]{Name: "bad"}
	err := c.Register(bad)
	var nso *NoSuchOptError
	if !errors.As(err, &nso) || nso.Option != "nope" || !strings.Contains(err.Error(), "[DEFAULT] bad") {
		t.Fatalf("Register(bad) = %v", err)
	}
	// A reference cycle is an error, not a stack overflow.
	c2 := quiet(New())
	if err := c2.Register(&Opt[string]{Name: "a", Default: "$b"}, &Opt[string]{Name: "b", Default: "$a"}); err != nil {
		t.Fatal(err)
	}
	if err := c2.Load(nil, noFiles); err == nil || !strings.Contains(err.Error(), "circular") {
		t.Fatalf("cycle: %v", err)
	}
}

func TestDeprecatedNames(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\nold_name = 1\n[legacy]\nother = 2\n")
	var logs strings.Builder
	c := New()
	c.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	renamed := &Opt[int]{Name: "new_name", DeprecatedName: "old_name"}
	moved := &Opt[int]{Name: "other", Group: "modern", DeprecatedGroup: "legacy"}
	if err := c.Register(renamed, moved); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	if renamed.Get(c) != 1 || moved.Get(c) != 2 {
		t.Fatalf("got %d %d", renamed.Get(c), moved.Get(c))
	}
	if !strings.Contains(logs.String(), `Option \"old_name\" from group \"DEFAULT\" is deprecated. Use option \"new_name\"`) {
		t.Errorf("no deprecation warning in %s", logs.String())
	}
	// The old name also works for look-ups by name, as in oslo.
	if v, err := c.Value("DEFAULT", "old_name"); err != nil || v != 1 {
		t.Errorf("Value(old_name) = %v, %v", v, err)
	}
}

func TestRegistration(t *testing.T) {
	c := quiet(New())
	a := &Opt[int]{Name: "x", Default: 1}
	same := &Opt[int]{Name: "x", Default: 1}
	other := &Opt[int]{Name: "x", Default: 2}
	if err := c.Register(a, a, same); err != nil {
		t.Fatalf("re-registering the same definition: %v", err)
	}
	var dup *DuplicateOptError
	if err := c.Register(other); !errors.As(err, &dup) {
		t.Fatalf("different definition: %v", err)
	}
	if same.Get(c) != 1 {
		t.Error("an equal definition does not read the registered option")
	}
	var dve *DefaultValueError
	if err := c.Register(&Opt[int]{Name: "y", Default: "abc"}); !errors.As(err, &dve) {
		t.Errorf("bad default: %v", err)
	}
	if err := c.Register(&Opt[int]{Name: "z", Default: 0, Type: Integer{Min: new(1)}}); !errors.As(err, &dve) {
		t.Errorf("default below min: %v", err)
	}
	if err := c.Register(&Opt[string]{Name: "version"}); err == nil {
		t.Error("reserved name accepted")
	}
	if _, err := c.Value("nogroup", "x"); !errors.As(err, new(*NoSuchGroupError)) {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := c.Value("DEFAULT", "nope"); !errors.As(err, new(*NoSuchOptError)) {
		t.Errorf("unknown option: %v", err)
	}
	if err := c.Load(nil, noFiles); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterCLI(&Opt[bool]{Name: "late"}); !errors.Is(err, ErrArgsAlreadyParsed) {
		t.Errorf("late CLI option: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Get of an unregistered option did not panic")
		}
	}()
	(&Opt[int]{Name: "never"}).Get(c)
}

func TestOverrideAndSetDefault(t *testing.T) {
	c := quiet(New())
	base := &Opt[string]{Name: "base", Default: "/a"}
	path := &Opt[string]{Name: "path", Default: "$base/x"}
	n := &Opt[int]{Name: "n", Default: 1, Type: Integer{Max: new(10)}}
	if err := c.Register(base, path, n); err != nil {
		t.Fatal(err)
	}
	if err := c.Load(nil, noFiles); err != nil {
		t.Fatal(err)
	}
	if err := base.Override(c, "/b"); err != nil {
		t.Fatal(err)
	}
	if path.Get(c) != "/b/x" {
		t.Errorf("an override does not reach a value that refers to it: %q", path.Get(c))
	}
	if err := n.Override(c, 11); err == nil {
		t.Error("override beyond max accepted")
	}
	if err := n.SetDefault(c, 5); err != nil || n.Get(c) != 5 || n.Location(c).Source != SourceSetDefault {
		t.Errorf("SetDefault: %v %d", err, n.Get(c))
	}
	if err := base.ClearOverride(c); err != nil || path.Get(c) != "/a/x" {
		t.Errorf("ClearOverride: %v %q", err, path.Get(c))
	}
}

func TestMultiAndLists(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.conf", "[DEFAULT]\nalias = one\nalias = two\nhosts = a, b,\n[x]\nq = k:1, j:2\n")
	b := write(t, dir, "b.conf", "[DEFAULT]\nalias = three\n")
	c := quiet(New())
	alias := &Opt[[]string]{Name: "alias", Type: MultiString{}}
	hosts := &Opt[[]string]{Name: "hosts"}
	quota := &Opt[map[string]int]{Name: "q", Group: "x"}
	none := &Opt[[]string]{Name: "none", Type: MultiString{}}
	if err := c.Register(alias, hosts, quota, none); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", a, "--config-file", b}, noFiles); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"one", "two", "three"}, alias.Get(c)); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"a", "b"}, hosts.Get(c)); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff(map[string]int{"k": 1, "j": 2}, quota.Get(c)); d != "" {
		t.Error(d)
	}
	if _, ok := none.Lookup(c); ok {
		t.Error("an unset multi option is set")
	}
}

func TestReloadKeepsValuesOnError(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\nworkers = 2\n")
	c := quiet(New())
	workers := &Opt[int]{Name: "workers", Default: 1, Mutable: true}
	if err := c.Register(workers); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	for _, broken := range []string{"[DEFAULT\n", "[DEFAULT]\nworkers = lots\n"} {
		write(t, dir, "a.conf", broken)
		if err := c.Reload(); err == nil {
			t.Fatalf("Reload of %q succeeded", broken)
		}
		if _, err := c.Mutate(); err == nil {
			t.Fatalf("Mutate of %q succeeded", broken)
		}
		if workers.Get(c) != 2 {
			t.Fatalf("a failed reload changed the value to %d", workers.Get(c))
		}
	}
	os.Remove(f)
	if err := c.Reload(); !errors.As(err, new(*FilesNotFoundError)) || workers.Get(c) != 2 {
		t.Fatalf("reload of a removed file: %v, %d", err, workers.Get(c))
	}
	write(t, dir, "a.conf", "[DEFAULT]\nworkers = 3\n")
	if err := c.Reload(); err != nil || workers.Get(c) != 3 {
		t.Fatalf("Reload: %v, %d", err, workers.Get(c))
	}
}

func TestMutate(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\ndebug = false\nbanner = one\n[api]\ngreeting = hello\n")
	var logs strings.Builder
	c := New()
	c.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	debug := &Opt[bool]{Name: "debug", Default: false, Mutable: true}
	banner := &Opt[string]{Name: "banner"}
	greeting := &Opt[string]{Name: "greeting", Group: "api", Mutable: true}
	if err := c.Register(debug, banner, greeting); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	var hooked []Change
	c.OnMutate(func(_ *Config, ch []Change) { hooked = ch })
	write(t, dir, "a.conf", "[DEFAULT]\ndebug = true\nbanner = two\n[api]\ngreeting = changed\n")
	changes, err := c.Mutate()
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{"DEFAULT", "debug", false, true}, {"api", "greeting", "hello", "changed"}}
	if d := cmp.Diff(want, changes); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if !reflect.DeepEqual(hooked, changes) {
		t.Errorf("hook got %v", hooked)
	}
	if !debug.Get(c) || greeting.Get(c) != "changed" || banner.Get(c) != "one" {
		t.Errorf("after mutate: debug=%v greeting=%q banner=%q", debug.Get(c), greeting.Get(c), banner.Get(c))
	}
	for _, line := range []string{"Ignoring change to immutable option DEFAULT.banner", "Option DEFAULT.debug changed from [false] to [true]", "Option api.greeting changed from [hello] to [changed]"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, logs.String())
		}
	}
	// Reload replaces immutable options too.
	if err := c.Reload(); err != nil || banner.Get(c) != "two" {
		t.Errorf("Reload: %v, banner=%q", err, banner.Get(c))
	}
}

// TestConcurrentReads reads values while Mutate and Reload swap them: under
// the race detector this proves the hot path is safe, and every read sees
// a whole, consistent snapshot.
func TestConcurrentReads(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\na = 1\nb = 1\n")
	c := quiet(New())
	a := &Opt[int]{Name: "a", Mutable: true}
	b := &Opt[int]{Name: "b", Mutable: true}
	if err := c.Register(a, b); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if a.Get(c) < 1 || b.Get(c) < 1 {
					t.Error("read an unset value")
					return
				}
			}
		}()
	}
	for i := 2; i < 30; i++ {
		write(t, dir, "a.conf", "[DEFAULT]\na = "+strconv.Itoa(i)+"\nb = "+strconv.Itoa(i)+"\n")
		if i%2 == 0 {
			if _, err := c.Mutate(); err != nil {
				t.Error(err)
			}
		} else if err := c.Reload(); err != nil {
			t.Error(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if a.Get(c) != 29 || b.Get(c) != 29 {
		t.Errorf("final values %d %d", a.Get(c), b.Get(c))
	}
}

func TestValueLinesMaskSecrets(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\nflag = yes\n[database]\nconnection = postgresql://u:hunter2@h/db\n")
	c := quiet(New())
	if err := c.Register(&Opt[bool]{Name: "flag"}, &Opt[[]string]{Name: "names", Default: []string{"a", "b"}},
		&Opt[string]{Name: "connection", Group: "database", Secret: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(c.ValueLines(), "\n")
	if strings.Contains(text, "hunter2") {
		t.Fatalf("a secret leaked:\n%s", text)
	}
	for _, want := range []string{
		"command line args: ['--config-file', '" + f + "']",
		"config files: ['" + f + "']",
		"flag                           = True",
		"names                          = ['a', 'b']",
		"database.connection            = ****",
		"config_dir                     = []",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dump lacks %q:\n%s", want, text)
		}
	}
}

func TestFindFileAndDefaultFiles(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "etc/svc.conf", "[DEFAULT]\n")
	paste := write(t, dir, "etc/api-paste.ini", "")
	c := quiet(New())
	if err := c.Load([]string{"--config-file", f}, noFiles); err != nil {
		t.Fatal(err)
	}
	if got := c.FindFile("api-paste.ini"); got != paste {
		t.Errorf("FindFile = %q, want %q", got, paste)
	}
	if got := c.FindFile("nothing-here.ini"); got != "" {
		t.Errorf("FindFile found %q", got)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	want := write(t, home, ".myproj/myproj.conf", "[DEFAULT]\nx = 7\n")
	if got := FindConfigFiles("myproj", "prog", ".conf"); len(got) != 1 || got[0] != want {
		t.Errorf("FindConfigFiles = %v, want [%s]", got, want)
	}
	c2 := quiet(New())
	x := &Opt[int]{Name: "x"}
	if err := c2.Register(x); err != nil {
		t.Fatal(err)
	}
	if err := c2.Load(nil, LoadOptions{Project: "myproj", Prog: "prog", IgnoreEnv: true}); err != nil || x.Get(c2) != 7 {
		t.Errorf("default file: %v, x=%d", err, x.Get(c2))
	}
}

func TestTypes(t *testing.T) {
	tests := []struct {
		name string
		typ  anyType
		in   string
		want any
		err  bool
	}{
		{"bool yes", typeAdapter[bool]{Bool{}}, "YES", true, false},
		{"bool bad", typeAdapter[bool]{Bool{}}, "maybe", nil, true},
		{"int blanks", typeAdapter[int]{Integer{}}, " 42 ", 42, false},
		{"int underscore", typeAdapter[int]{Integer{}}, "1_000", 1000, false},
		{"int arabic digits", typeAdapter[int]{Integer{}}, "١٢", 12, false},
		{"int empty is unset", typeAdapter[int]{Integer{}}, "  ", nil, false},
		{"int float text", typeAdapter[int]{Integer{}}, "4.0", nil, true},
		{"int overflow", typeAdapter[int]{Integer{}}, "99999999999999999999", nil, true},
		{"int choices", typeAdapter[int]{Integer{Choices: Choices(1, 3)}}, "2", nil, true},
		{"port range", typeAdapter[int]{Port{}}, "65536", nil, true},
		{"float exp", typeAdapter[float64]{Float{}}, "1e3", 1000.0, false},
		{"float hex rejected", typeAdapter[float64]{Float{}}, "0x1p-2", nil, true},
		{"float max", typeAdapter[float64]{Float{Max: new(1.5)}}, "2", nil, true},
		{"str choices ignore case", typeAdapter[string]{String{Choices: Choices("Reload"), IgnoreCase: true}}, "reload", "reload", false},
		{"str regex", typeAdapter[string]{String{Regex: "^[a-z]+$"}}, "ab1", nil, true},
		{"str quotes", typeAdapter[string]{String{Quotes: true}}, `"a b"`, "a b", false},
		{"str open quote", typeAdapter[string]{String{Quotes: true}}, `"a b`, nil, true},
		{"str max length", typeAdapter[string]{String{MaxLength: 3}}, "abcd", nil, true},
		{"list quoted comma", typeAdapter[[]string]{List[string]{Item: String{Quotes: true}}}, `"a,b", c`, []string{"a,b", "c"}, false},
		{"list bounds", typeAdapter[[]int]{List[int]{Item: Integer{}, Bounds: true}}, "[1, 2]", []int{1, 2}, false},
		{"list bounds missing", typeAdapter[[]int]{List[int]{Item: Integer{}, Bounds: true}}, "1, 2", nil, true},
		{"dict colon in value", typeAdapter[map[string]string]{Dict[string]{}}, "url:http://x:80/", map[string]string{"url": "http://x:80/"}, false},
		{"dict duplicate", typeAdapter[map[string]string]{Dict[string]{}}, "a:1,a:2", nil, true},
		{"ip v4", typeAdapter[string]{IPAddress{Version: 4}}, "10.0.0.1", "10.0.0.1", false},
		{"ip leading zero", typeAdapter[string]{IPAddress{}}, "010.0.0.1", nil, true},
		{"ip zone", typeAdapter[string]{IPAddress{}}, "fe80::1%eth0", nil, true},
		{"ip v6 as v4", typeAdapter[string]{IPAddress{Version: 4}}, "::1", nil, true},
		{"hostname trailing dot", typeAdapter[string]{Hostname{}}, "x.example.", "x.example", false},
		{"hostname numeric tld", typeAdapter[string]{Hostname{}}, "1.2.3", nil, true},
		{"hostdomain underscore", typeAdapter[string]{HostDomain{}}, "a_b", "a_b", false},
		{"uri", typeAdapter[string]{URI{}}, "https://h:8443/p?q=1", "https://h:8443/p?q=1", false},
		{"uri no host", typeAdapter[string]{URI{}}, "file:///etc", nil, true},
		{"uri bad ipv4", typeAdapter[string]{URI{}}, "http://256.0.0.1/", nil, true},
		{"uri scheme not allowed", typeAdapter[string]{URI{Schemes: []string{"https"}}}, "http://x", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.typ.parse(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("parse(%q) = %v, %v; want error %v", tt.in, got, err, tt.err)
			}
			if !tt.err && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parse(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestPyRepr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{1000.0, "1000.0"}, {1e16, "1e+16"}, {1234567.0, "1234567.0"}, {0.0001, "0.0001"},
		{0.00001, "1e-05"}, {1.5e-7, "1.5e-07"}, {math.Copysign(0, -1), "-0.0"}, {0.1, "0.1"}, {1e22, "1e+22"},
		{[]string{"a", "it's"}, `['a', "it's"]`}, {[]int{1, 2}, "[1, 2]"}, {true, "True"}, {nil, "None"},
		{map[string]int{"b": 2, "a": 1}, "{'a': 1, 'b': 2}"}, {"tab\there", `'tab\there'`},
	}
	for _, tt := range tests {
		if got := pyRepr(tt.in); got != tt.want {
			t.Errorf("pyRepr(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestSnapshot loads a Config from another's snapshot: it sees the files
// as they were, not as they are now.
func TestSnapshot(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.conf", "[DEFAULT]\nname = old\n")
	d := filepath.Join(dir, "d")
	write(t, dir, "d/1.conf", "[DEFAULT]\nother = one\n")
	name := &Opt[string]{Name: "name"}
	other := &Opt[string]{Name: "other"}
	parent := quiet(New())
	if err := parent.Register(name, other); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config-file", f, "--config-dir", d}
	if err := parent.Load(args, noFiles); err != nil {
		t.Fatal(err)
	}
	data, err := parent.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "a.conf", "[DEFAULT]\nname = new\n")
	write(t, dir, "d/2.conf", "[DEFAULT]\nother = two\n")

	sf := write(t, dir, "snap.json", string(data))
	fh, err := os.Open(sf)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(SnapshotEnv, strconv.Itoa(int(fh.Fd())))
	child := quiet(New())
	if err := child.Register(name, other); err != nil {
		t.Fatal(err)
	}
	if err := child.Load(args, noFiles); err != nil {
		t.Fatal(err)
	}
	if name.Get(child) != "old" || other.Get(child) != "one" {
		t.Errorf("from the snapshot: name=%q other=%q, want old, one", name.Get(child), other.Get(child))
	}
	if name.Location(child).File != f || name.Location(child).Line != 2 {
		t.Errorf("location %v", name.Location(child))
	}
	if os.Getenv(SnapshotEnv) != "" {
		t.Error("the snapshot variable is still set")
	}
	// Later reads go to the disk.
	if err := child.Reload(); err != nil || name.Get(child) != "new" || other.Get(child) != "two" {
		t.Errorf("Reload: %v name=%q other=%q", err, name.Get(child), other.Get(child))
	}
}

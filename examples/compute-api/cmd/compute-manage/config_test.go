package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/internal/ini"
)

var update = flag.Bool("update", false, "rewrite testdata/compute-manage/sample.conf.golden")

// pythonPath is the Python with the oslo libraries (Debian's).
const pythonPath = "/usr/bin/python3"

// needOslo skips the test, saying why, unless /usr/bin/python3 imports
// oslo_config.
func needOslo(t *testing.T) {
	t.Helper()
	if out, err := exec.Command(pythonPath, "-c", "import oslo_config.validator").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import oslo_config.validator (%v: %s): install python3-oslo.config", pythonPath, err, bytes.TrimSpace(out))
	}
}

func generate(t *testing.T) string {
	t.Helper()
	r := manageRun(t, "config", "generate")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("config generate: exit %d: %s", r.code, r.stderr)
	}
	return r.stdout
}

func TestConfigGenerateGolden(t *testing.T) {
	got := generate(t)
	golden := filepath.Join(testdata, "sample.conf.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("the sample changed (-golden +got); if on purpose, run\n"+
			"go test ./examples/compute-api/cmd/compute-manage -run TestConfigGenerateGolden -update\n%s", diff)
	}
}

func TestConfigGenerateOutputFile(t *testing.T) {
	want := generate(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "compute-api.conf.sample")
	r := manageRun(t, "config", "generate", "--output-file", file)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("--output-file wrote other bytes than standard output gets")
	}
	missing := filepath.Join(dir, "no", "such", "dir", "sample.conf")
	r = manageRun(t, "config", "generate", "--output-file", missing)
	if r.code != exitFailure || !strings.Contains(r.stderr, "compute-manage: config generate: open "+missing) {
		t.Errorf("into a missing directory: exit %d, stderr %q", r.code, r.stderr)
	}
}

var (
	sectionRE = regexp.MustCompile(`^\[(.+)\]$`)
	optionRE  = regexp.MustCompile(`^#([a-z0-9_]+) =(?: (.*))?$`)
)

// sampleOption is one "#name = default" line of a sample.
type sampleOption struct{ group, name, value string }

func sampleOptions(sample string) []sampleOption {
	var out []sampleOption
	group := ""
	for _, l := range strings.Split(sample, "\n") {
		if m := sectionRE.FindStringSubmatch(l); m != nil {
			group = m[1]
		} else if m := optionRE.FindStringSubmatch(l); m != nil {
			out = append(out, sampleOption{group, m[1], m[2]})
		}
	}
	return out
}

// uncomment makes the sample a configuration file that sets every option
// to its sample default (options without one, "<None>", stay unset).
func uncomment(sample string) string {
	var b strings.Builder
	group := ""
	for _, o := range sampleOptions(sample) {
		if o.group != group {
			group = o.group
			b.WriteString("\n[" + group + "]\n")
		}
		if o.value == "<None>" {
			continue
		}
		b.WriteString(o.name + " = " + o.value + "\n")
	}
	return b.String()
}

// sampleExtras are the options the sample lists that the service does not
// register: oslo.log lists fatal_deprecations, which oslo.log's
// register_options does not register either (the sample is oslo's).
var sampleExtras = []string{"DEFAULT.fatal_deprecations"}

// builtins are the options every Config has, which oslo's samples leave
// out too.
var builtins = []string{"config_dir", "config_file", "config_source"}

// TestConfigGenerateListsEveryOption checks that the sample lists exactly
// the options app.RegisterOptions registers: an option the service adds
// must reach the sample and the validator.
func TestConfigGenerateListsEveryOption(t *testing.T) {
	conf := loadConf(t)
	var registered []string
	for _, e := range conf.Entries() {
		if e.Group == config.DefaultGroup && slices.Contains(builtins, e.Name) {
			continue
		}
		registered = append(registered, e.Group+"."+e.Name)
	}
	var listed []string
	for _, o := range sampleOptions(generate(t)) {
		listed = append(listed, o.group+"."+o.name)
	}
	sort.Strings(registered)
	sort.Strings(listed)
	if i := slices.Index(listed, "DEFAULT.host"); i < 0 {
		t.Fatalf("the sample has no [DEFAULT] host: the parsing of the sample is broken")
	}
	var notListed, notRegistered []string
	for _, n := range registered {
		if _, found := slices.BinarySearch(listed, n); !found {
			notListed = append(notListed, n)
		}
	}
	for _, n := range listed {
		if _, found := slices.BinarySearch(registered, n); !found {
			notRegistered = append(notRegistered, n)
		}
	}
	if len(notListed) > 0 {
		t.Errorf("registered by the service but not in the sample: %v", notListed)
	}
	if diff := cmp.Diff(sampleExtras, notRegistered); diff != "" {
		t.Errorf("in the sample but not registered by the service (-want +got):\n%s", diff)
	}
}

// TestConfigGenerateSampleDefaults checks the defaults the sample shows
// for the service's own options: the service's, not the libraries'.
func TestConfigGenerateSampleDefaults(t *testing.T) {
	got := map[string]string{}
	for _, o := range sampleOptions(generate(t)) {
		got[o.group+"."+o.name] = o.value
	}
	for name, want := range map[string]string{
		"DEFAULT.host":                    "<current_hostname>", // not the generating machine's name
		"DEFAULT.compute_api_listen_port": "8774",
		"DEFAULT.compute_api_workers":     "<None>",
		"DEFAULT.state_path":              "/var/lib/compute-api",
		"database.connection":             "sqlite:///$state_path/compute.sqlite",
		"compute.purge_interval":          "600",
		"api.auth_strategy":               "noauth2",
	} {
		if got[name] != want {
			t.Errorf("%s: sample default %q, want %q", name, got[name], want)
		}
	}
}

// TestConfigGenerateSampleParses checks that the sample, and the sample
// with every default uncommented, are files the service reads and
// compute-manage config validate accepts.
func TestConfigGenerateSampleParses(t *testing.T) {
	dir := t.TempDir()
	sample := generate(t)
	files := map[string]string{"sample.conf": sample, "uncommented.conf": uncomment(sample)}
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			loadConf(t, "--config-file", path)
			r := manageRun(t, "--config-file", path, "config", "validate")
			if r.code != 0 || r.stdout != path+": OK\n" || r.stderr != "" {
				t.Errorf("config validate: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
	if n := len(sampleOptions(files["uncommented.conf"])); n != 0 {
		t.Fatalf("the uncommented sample still has %d commented options", n)
	}
	if !strings.Contains(files["uncommented.conf"], "\npurge_interval = 600\n") {
		t.Errorf("the uncommented sample does not set purge_interval:\n%s", files["uncommented.conf"])
	}
}

// rawParse is a file as oslo's ConfigParser returns it: section, key,
// values (the format of testdata/oracle/config_raw.py).
type rawParse struct {
	Sections map[string]map[string][]string `json:"sections"`
	Error    any                            `json:"error,omitempty"`
}

func goParse(t *testing.T, path string) rawParse {
	t.Helper()
	f, err := ini.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := rawParse{Sections: map[string]map[string][]string{}}
	for _, s := range f.Sections {
		keys := map[string][]string{}
		for k, vs := range s.Values {
			for _, v := range vs {
				keys[k] = append(keys[k], v.Text)
			}
		}
		out.Sections[s.Name] = keys
	}
	return out
}

// TestConfigGenerateOslo reads the sample with oslo.config itself: its
// parser gives the same sections, keys and values as goslo's, and
// oslo-config-validator, given the sample's option data (the generator's
// YAML), accepts the uncommented sample and the shipped file and refuses
// the bad one.
func TestConfigGenerateOslo(t *testing.T) {
	needOslo(t)
	dir := t.TempDir()
	sample := generate(t)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	oracle, err := filepath.Abs("../../../../testdata/oracle/config_raw.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{write("sample.conf", sample), write("uncommented.conf", uncomment(sample))} {
		out, err := exec.Command(pythonPath, oracle, path).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", oracle, path, err)
		}
		var py rawParse
		if err := json.Unmarshal(out, &py); err != nil {
			t.Fatalf("%s: %v: %s", oracle, err, out)
		}
		if py.Error != nil {
			t.Fatalf("oslo cannot parse %s: %v", filepath.Base(path), py.Error)
		}
		if diff := cmp.Diff(py, goParse(t, path)); diff != "" {
			t.Errorf("%s: oslo's parse (-) and goslo's (+) differ:\n%s", filepath.Base(path), diff)
		}
	}

	nss, err := listOpts()
	if err != nil {
		t.Fatal(err)
	}
	var yaml bytes.Buffer
	if err := config.WriteSample(&yaml, nss, config.SampleOptions{Format: config.SampleYAML}); err != nil {
		t.Fatal(err)
	}
	optData := write("opt-data.yaml", yaml.String())
	cases := []struct {
		file    string
		code    int
		reports []string // in oslo's log output
	}{
		{filepath.Join(dir, "uncommented.conf"), 0, nil},
		{shippedConf, 0, nil},
		{filepath.Join(testdata, "bad.conf"), 1, []string{
			"DEFAULT/no_such_option is not part of the sample config",
			"no_such_group/a is not part of the sample config",
			"Deprecated opt DEFAULT/logfile found",
		}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			cmd := exec.Command(pythonPath, "-m", "oslo_config.validator", "--opt-data", optData, "--input-file", c.file)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("oslo-config-validator: exit %d, want %d:\n%s", code, c.code, out)
			}
			for _, r := range c.reports {
				if !strings.Contains(string(out), r) {
					t.Errorf("oslo-config-validator did not report %q:\n%s", r, out)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	bad := filepath.Join(testdata, "bad.conf")
	deprecated := filepath.Join(testdata, "deprecated.conf")
	syntax := filepath.Join(testdata, "syntax.conf")
	absShipped, err := filepath.Abs(shippedConf)
	if err != nil {
		t.Fatal(err)
	}
	// A --config-dir with a good file and a bad one.
	dir := t.TempDir()
	for name, src := range map[string]string{"10-good.conf": shippedConf, "20-bad.conf": bad} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	badLines := func(file string) []string {
		return []string{
			file + `:4: error: [DEFAULT] compute_api_listen_port: invalid value "99999": should be less than or equal to 65535`,
			file + ":5: error: [DEFAULT] no_such_option: not part of the sample config (unknown option)",
			file + ":6: warning: [DEFAULT] logfile: deprecated option",
			file + `:9: error: [compute] purge_interval: invalid value "0": should be greater than or equal to 1`,
			file + ":13: error: [no_such_group] a: not part of the sample config (unknown group)",
		}
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string // each line starts with one of these, in order
	}{
		{"the shipped file", []string{"--config-file", shippedConf}, 0, []string{shippedConf + ": OK"}, nil},
		{"a deprecated name is a warning", []string{"--config-file", deprecated}, 0, []string{deprecated + ": OK"},
			[]string{deprecated + ":3: warning: [DEFAULT] logfile: deprecated option"}},
		// The service refuses bad.conf's values at start-up; validate still
		// lists every problem, with its line.
		{"a file with errors", []string{"--config-file", bad}, exitFailure, nil,
			append(badLines(bad), "compute-manage: config validate: the configuration has errors (1 of 1 files)")},
		{"good and bad files", []string{"--config-file", absShipped, "--config-file", bad}, exitFailure,
			[]string{absShipped + ": OK"},
			append(badLines(bad), "compute-manage: config validate: the configuration has errors (1 of 2 files)")},
		{"a config dir", []string{"--config-dir", dir}, exitFailure, []string{filepath.Join(dir, "10-good.conf") + ": OK"},
			append(badLines(filepath.Join(dir, "20-bad.conf")), "compute-manage: config validate: the configuration has errors (1 of 2 files)")},
		{"a syntax error", []string{"--config-file", syntax}, exitFailure, nil,
			[]string{"compute-manage: config: " + mustAbs(t, syntax) + ":3: "}},
		{"no file", []string{"--config-file", bad + ".missing"}, exitFailure, nil,
			[]string{"compute-manage: config: failed to find some config files: " + mustAbs(t, bad) + ".missing"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := manageRun(t, append(c.args, "config", "validate")...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d", r.code, c.code)
			}
			if diff := cmp.Diff(c.stdout, lines(r.stdout)); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			got := lines(r.stderr)
			if len(got) != len(c.stderr) {
				t.Fatalf("stderr has %d lines, want %d:\n%s", len(got), len(c.stderr), r.stderr)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.stderr[i]) {
					t.Errorf("stderr line %d:\n got %s\nwant %s...", i+1, got[i], c.stderr[i])
				}
			}
		})
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

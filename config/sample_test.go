package config_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/goslo/goslo/config"
	"github.com/goslo/goslo/internal/ini"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

const python = "/usr/bin/python3"

var (
	osloOnce   sync.Once
	osloReason string
)

// needOslo skips the test when the reference library cannot be run.
func needOslo(t *testing.T) {
	t.Helper()
	osloOnce.Do(func() {
		if _, err := os.Stat(python); err != nil {
			osloReason = python + " is not installed"
			return
		}
		out, err := exec.Command(python, "-c", "import oslo_config.generator, yaml").CombinedOutput()
		if err != nil {
			osloReason = "oslo.config is not importable by " + python + ": " + strings.TrimSpace(string(out))
		}
	})
	if osloReason != "" {
		t.Skip(osloReason)
	}
}

// osloScript runs testdata/sample/oslo_opts.py and returns its output and
// exit status.
func osloScript(t *testing.T, args ...string) (string, int) {
	t.Helper()
	needOslo(t)
	cmd := exec.Command(python, append([]string{"oslo_opts.py"}, args...)...)
	cmd.Dir = filepath.Join("testdata", "sample")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("oslo_opts.py %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return stdout.String() + stderr.String(), code
}

// sampleCases are the generator settings compared: each with the
// oslo-config-generator arguments that mean the same.
var sampleCases = []struct {
	name   string
	opts   config.SampleOptions
	args   []string
	golden string
}{
	{"default", config.SampleOptions{}, nil, "sample.conf.golden"},
	{"wrap40", config.SampleOptions{WrapWidth: 40}, []string{"--wrap-width", "40"}, "sample-wrap40.conf.golden"},
	{"wrap12", config.SampleOptions{WrapWidth: 12}, []string{"--wrap-width", "12"}, "sample-wrap12.conf.golden"},
	{"nowrap", config.SampleOptions{WrapWidth: -1}, []string{"--wrap-width", "0"}, "sample-nowrap.conf.golden"},
	{"minimal", config.SampleOptions{Minimal: true}, []string{"--minimal"}, "sample-minimal.conf.golden"},
	{"summarize", config.SampleOptions{Summarize: true}, []string{"--summarize"}, "sample-summarize.conf.golden"},
	{"json", config.SampleOptions{Format: config.SampleJSON}, []string{"--format", "json"}, "sample.json.golden"},
	{"yaml", config.SampleOptions{Format: config.SampleYAML}, []string{"--format", "yaml"}, "sample.yaml.golden"},
}

var testNamespaces = []string{"goslo.test", "goslo.extra"}

func goSample(t *testing.T, so config.SampleOptions) string {
	t.Helper()
	nss, err := config.ListOpts(testNamespaces...)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := config.WriteSample(&b, nss, so); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteSampleGolden(t *testing.T) {
	for _, tc := range sampleCases {
		t.Run(tc.name, func(t *testing.T) {
			got := goSample(t, tc.opts)
			path := filepath.Join("testdata", "sample", tc.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("sample differs from %s (-want +got):\n%s", path, d)
			}
		})
	}
}

// TestWriteSampleMatchesOslo compares the sample with what
// oslo-config-generator writes for the same options, byte for byte.
func TestWriteSampleMatchesOslo(t *testing.T) {
	for _, tc := range sampleCases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"generate", "--namespace", "goslo.test", "--namespace", "goslo.extra"}
			want, code := osloScript(t, append(args, tc.args...)...)
			if code != 0 {
				t.Fatalf("oslo-config-generator failed (%d):\n%s", code, want)
			}
			got := goSample(t, tc.opts)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("goslo and oslo samples differ (-oslo +goslo):\n%s", d)
			}
		})
	}
}

// TestSampleParsesWithOslo writes the sample to a file and reads it with
// oslo's ConfigParser and with ours; then loads it into an oslo ConfigOpts
// and a goslo Config holding the same options: since every default is
// commented out, every value equals its default.
func TestSampleParsesWithOslo(t *testing.T) {
	for _, tc := range sampleCases[:6] {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sample.conf")
			if err := os.WriteFile(path, []byte(goSample(t, tc.opts)), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := ini.ParseFile(path)
			if err != nil {
				t.Fatalf("goslo cannot parse the sample: %v", err)
			}
			out, code := osloScript(t, "parse", path)
			if code != 0 {
				t.Fatalf("oslo cannot parse the sample:\n%s", out)
			}
			var osloSections map[string]map[string][]string
			if err := json.Unmarshal([]byte(out), &osloSections); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			gosloSections := map[string]map[string][]string{}
			for _, s := range f.Sections {
				keys := map[string][]string{}
				for k, vs := range s.Values {
					for _, v := range vs {
						keys[k] = append(keys[k], v.Text)
					}
				}
				gosloSections[s.Name] = keys
			}
			if d := cmp.Diff(osloSections, gosloSections); d != "" {
				t.Errorf("oslo and goslo read the sample differently (-oslo +goslo):\n%s", d)
			}
			if tc.opts.Minimal {
				// Uncommented: required_thing = <None> is a value.
				if got := gosloSections["DEFAULT"]["required_thing"]; len(got) != 1 || got[0] != "<None>" {
					t.Errorf("minimal sample: required_thing = %q", got)
				}
				return
			}
			out, code = osloScript(t, "load", path)
			if code != 0 || strings.TrimSpace(out) != "{}" {
				t.Errorf("oslo ConfigOpts loading the sample: status %d, values that differ from the defaults: %s", code, out)
			}
			checkGosloLoad(t, path)
		})
	}
}

// checkGosloLoad loads the sample into a Config with the options and
// compares every value with what a Config without the file has.
func checkGosloLoad(t *testing.T, path string) {
	t.Helper()
	nss, err := config.ListOpts(testNamespaces...)
	if err != nil {
		t.Fatal(err)
	}
	load := func(args []string) []config.Entry {
		c := config.New()
		for _, ns := range nss {
			for _, g := range ns.Groups {
				if g.Group.Name != "" && g.Group.Name != config.DefaultGroup {
					if err := c.RegisterGroup(g.Group); err != nil {
						t.Fatal(err)
					}
				}
				if err := c.Register(g.Opts...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := c.SetOverride("DEFAULT", "required_thing", "set-by-test"); err != nil {
			t.Fatal(err)
		}
		if err := c.Load(args, config.LoadOptions{DefaultConfigFiles: []string{}, DefaultConfigDirs: []string{}, IgnoreEnv: true}); err != nil {
			t.Fatalf("goslo cannot load %v: %v", args, err)
		}
		es := c.Entries()
		for i := range es {
			es[i].Location = config.Location{}
			if es[i].Name == "config_file" {
				es[i].Value = nil
			}
		}
		return es
	}
	want := load(nil)
	got := load([]string{"--config-file", path})
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("loading the sample changed values (-defaults +loaded):\n%s", d)
	}
}

func TestWriteSampleErrors(t *testing.T) {
	bad := []config.NamespaceOpts{{Namespace: "bad", Groups: []config.GroupOpts{{Opts: []config.Option{
		&config.Opt[int]{Name: "n", Default: "many"},
	}}}}}
	err := config.WriteSample(&bytes.Buffer{}, bad, config.SampleOptions{})
	if err == nil || !strings.Contains(err.Error(), "namespace bad") || !strings.Contains(err.Error(), "[DEFAULT] n") {
		t.Errorf("bad default: err = %v, want one naming the namespace and option", err)
	}
	err = config.WriteSample(&bytes.Buffer{}, nil, config.SampleOptions{Format: "rst"})
	if err == nil || !strings.Contains(err.Error(), "rst") {
		t.Errorf("unknown format: err = %v", err)
	}
	if _, err := config.ListOpts("goslo.test", "no.such"); err == nil || !strings.Contains(err.Error(), "no.such") {
		t.Errorf("unknown namespace: err = %v", err)
	}
}

// TestWriteSampleCleansListing checks that WriteSample cleans a listing
// that did not go through ListOpts as oslo's generator does: a group
// listed by name and again with its description is shown twice (oslo keys
// them by the object listed), an option listed twice in one listing keeps
// its first place and its last definition, and an empty group name is
// [DEFAULT]. The expected text is oslo-config-generator's for the same
// listing.
func TestWriteSampleCleansListing(t *testing.T) {
	first := &config.Opt[int]{Name: "a", Default: 1, Help: "First."}
	again := &config.Opt[int]{Name: "a", Default: 3, Help: "Again."}
	second := &config.Opt[int]{Name: "a", Default: 2, Help: "Second."}
	other := &config.Opt[bool]{Name: "b", Default: true, Help: "Other."}
	d1 := &config.Opt[int]{Name: "d1", Default: 1, Help: "D1."}
	d2 := &config.Opt[int]{Name: "d2", Default: 2, Help: "D2."}
	nss := []config.NamespaceOpts{{Namespace: "ns", Groups: []config.GroupOpts{
		{Opts: []config.Option{d1}},
		{Group: config.Group{Name: "default"}, Opts: []config.Option{d2}},
		{Group: config.Group{Name: "Grp"}, Opts: []config.Option{first, other}},
		{Group: config.Group{Name: "grp", Help: "The group."}, Opts: []config.Option{second}},
		{Group: config.Group{Name: "grp"}, Opts: []config.Option{again}},
	}}}
	var b bytes.Buffer
	if err := config.WriteSample(&b, nss, config.SampleOptions{}); err != nil {
		t.Fatal(err)
	}
	from := "\n#\n# From ns\n#\n"
	want := "[DEFAULT]\n" + from + "\n# D1. (integer value)\n#d1 = 1\n" + from + "\n# D2. (integer value)\n#d2 = 2\n" +
		"\n\n[grp]\n# The group.\n" + from + "\n# Again. (integer value)\n#a = 3\n\n# Other. (boolean value)\n#b = true\n" +
		from + "\n# Second. (integer value)\n#a = 2\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

package config_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/goslo/goslo/config"
)

func runTool(main func([]string, *bytes.Buffer, *bytes.Buffer) int, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func generator(args []string, out, errb *bytes.Buffer) int {
	return config.GeneratorMain(args, out, errb)
}
func validator(args []string, out, errb *bytes.Buffer) int {
	return config.ValidatorMain(args, out, errb)
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sample", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGeneratorMain(t *testing.T) {
	ns := []string{"--namespace", "goslo.test", "--namespace", "goslo.extra"}
	dir := t.TempDir()
	genConf := filepath.Join(dir, "gen.conf")
	outFile := filepath.Join(dir, "out.conf")
	os.WriteFile(genConf, []byte("[DEFAULT]\nnamespace = goslo.test\nnamespace = goslo.extra\nwrap_width = 40\noutput_file = "+outFile+"\n"), 0o644)
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string // "" and file set: checked in file
		file      string
		stderrHas string
		stdoutHas string
	}{
		{name: "default", args: ns, stdout: golden(t, "sample.conf.golden")},
		{name: "no wrapping", args: append(ns, "--wrap-width", "0"), stdout: golden(t, "sample-nowrap.conf.golden")},
		{name: "minimal", args: append(ns, "--minimal"), stdout: golden(t, "sample-minimal.conf.golden")},
		{name: "summarize", args: append(ns, "--summarize"), stdout: golden(t, "sample-summarize.conf.golden")},
		{name: "yaml", args: append(ns, "--format", "yaml"), stdout: golden(t, "sample.yaml.golden")},
		{name: "config file", args: []string{"--config-file", genConf}, file: golden(t, "sample-wrap40.conf.golden")},
		{name: "unknown namespace", args: []string{"--namespace", "no.such"}, stdout: "[DEFAULT]\n", stderrHas: "could not load namespace no.such"},
		{name: "no arguments", args: nil, stdoutHas: "--namespace"},
		{name: "help", args: []string{"--help"}, stdoutHas: "--output-file"},
		{name: "namespace missing", args: []string{"--minimal"}, code: 1, stdoutHas: "--namespace", stderrHas: "[DEFAULT] namespace: value required"},
		{name: "bad format", args: append(ns, "--format", "rst"), code: 2, stderrHas: "rst"},
		{name: "bad width", args: append(ns, "--wrap-width", "-1"), code: 2, stderrHas: "wrap"},
		{name: "unwritable output", args: append(ns, "--output-file", filepath.Join(dir, "no", "such", "dir")), code: 1, stderrHas: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(outFile)
			code, stdout, stderr := runTool(generator, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if tc.stdout != "" {
				if d := cmp.Diff(tc.stdout, stdout); d != "" {
					t.Errorf("stdout (-want +got):\n%s", d)
				}
			}
			if tc.file != "" {
				b, err := os.ReadFile(outFile)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(tc.file, string(b)); d != "" {
					t.Errorf("output file (-want +got):\n%s", d)
				}
			}
			if !strings.Contains(stdout, tc.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdoutHas, stdout)
			}
			if !strings.Contains(stderr, tc.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderrHas, stderr)
			}
		})
	}
}

// TestGeneratorMainMatchesOslo runs both generators with the same command
// lines: the json output holds the generator's own settings too.
func TestGeneratorMainMatchesOslo(t *testing.T) {
	needOslo(t)
	dir := t.TempDir()
	genConf := filepath.Join(dir, "gen.conf")
	os.WriteFile(genConf, []byte("[DEFAULT]\nnamespace = goslo.test\nnamespace = goslo.extra\nwrap_width = 50\nformat = json\n"), 0o644)
	for _, args := range [][]string{
		{"--namespace", "goslo.extra", "--format", "json", "--wrap-width", "0", "--minimal"},
		{"--namespace", "goslo.test", "--namespace", "goslo.test", "--format", "yaml", "--summarize"},
		{"--config-file", genConf},
		{"--config-file", genConf, "--format", "ini", "--wrap-width", "30"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want, code := osloScript(t, append([]string{"generate"}, args...)...)
			if code != 0 {
				t.Fatalf("oslo: %s", want)
			}
			code, got, stderr := runTool(generator, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-oslo +goslo):\n%s", d)
			}
		})
	}
}

func TestValidatorMain(t *testing.T) {
	ns := []string{"--namespace", "goslo.test", "--namespace", "goslo.extra"}
	dataFile := filepath.Join(t.TempDir(), "opts.json")
	os.WriteFile(dataFile, []byte(golden(t, "sample.json.golden")), 0o644)
	in := func(name string) []string { return []string{"--input-file", validateFile(name)} }
	cat := func(a ...[]string) []string {
		var out []string
		for _, x := range a {
			out = append(out, x...)
		}
		return out
	}
	tests := []struct {
		name      string
		args      []string
		code      int
		stderrHas []string
	}{
		{"good", cat(ns, in("good.conf")), 0, nil},
		{"values", cat(ns, in("values.conf")), 1, []string{
			validateFile("values.conf") + `:4: error: [DEFAULT] bind_port: invalid value "70000": should be less than or equal to 65535`}},
		{"unknown", cat(ns, in("unknown.conf")), 1, []string{
			validateFile("unknown.conf") + ":3: error: [DEFAULT] no_such_option: not part of the sample config",
			validateFile("unknown.conf") + ":4: warning: [DEFAULT] sql_connection: deprecated option: use [database] connection"}},
		{"excluded", cat(ns, in("unknown.conf"), []string{"--exclude-group", "DEFAULT", "--exclude-group", "no_such_group", "--exclude-group", "database"}), 0, nil},
		{"opt data", cat([]string{"--opt-data", dataFile}, in("unknown.conf")), 1, []string{"no_such_option"}},
		{"warnings", cat(ns, in("missing.conf")), 0, []string{"required_thing: required option is not set"}},
		{"fatal warnings", cat(ns, in("missing.conf"), []string{"--fatal-warnings"}), 1, nil},
		{"check defaults", cat(ns, in("defaults.conf"), []string{"--check-defaults", "--fatal-warnings", "--exclude-options", "debug,mapping,empty_list,required_thing"}), 1, []string{"host: sample value"}},
		{"no source", in("good.conf"), 1, []string{"neither --namespace nor --opt-data"}},
		{"no input", ns, 1, []string{"input-file"}},
		{"parse error", cat(ns, in("broken.conf")), 1, []string{"broken.conf:3"}},
		{"missing opt data", cat([]string{"--opt-data", "/no/such/file"}, in("good.conf")), 1, []string{"/no/such/file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runTool(validator, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, want := range tc.stderrHas {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

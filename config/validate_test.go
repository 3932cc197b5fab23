package config_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/goslo/goslo/config"
)

func validateFile(name string) string { return filepath.Join("testdata", "validate", name) }

func nsOptData(t *testing.T) *config.OptData {
	t.Helper()
	nss, err := config.ListOpts(testNamespaces...)
	if err != nil {
		t.Fatal(err)
	}
	od, err := config.OptDataFromNamespaces(nss)
	if err != nil {
		t.Fatal(err)
	}
	return od
}

// gosloOptData writes the generator's data in a format and reads it back.
func gosloOptData(t *testing.T, format config.SampleFormat) *config.OptData {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opts."+string(format))
	if err := os.WriteFile(path, []byte(goSample(t, config.SampleOptions{Format: format})), 0o644); err != nil {
		t.Fatal(err)
	}
	od, err := config.ReadOptData(path)
	if err != nil {
		t.Fatal(err)
	}
	return od
}

// summary renders problems as "LINE severity kind [group] option: msg".
func summary(v *config.Validation) []string {
	var out []string
	for _, p := range v.Problems {
		out = append(out, fmt.Sprintf("%d %s %d [%s] %s: %s", p.Line, p.Severity, p.Kind, p.Group, p.Option, p.Msg))
	}
	return out
}

const (
	unknown    = "not part of the sample config (unknown option)"
	unknownGrp = "not part of the sample config (unknown group)"
	ignored    = "not checked: the sample data of this group is known to be incomplete"
)

func TestValidate(t *testing.T) {
	unknownWant := []string{
		"3 error 1 [DEFAULT] no_such_option: " + unknown,
		"4 warning 2 [DEFAULT] sql_connection: deprecated option: use [database] connection",
		"5 warning 2 [DEFAULT] log_config: deprecated option: use [DEFAULT] log-config-append",
		"8 error 1 [no_such_group] foo: " + unknownGrp,
		"11 info 1 [keystone_authtoken] auth_url: " + ignored,
		"14 warning 2 [sql] connection: deprecated option: use [database] connection",
		"18 error 1 [database] sql_idle_timeout: " + unknown,
	}
	valuesWant := []string{
		`3 error 3 [DEFAULT] workers: invalid value "many": invalid literal for int() with base 10: 'many'`,
		`4 error 3 [DEFAULT] bind_port: invalid value "70000": should be less than or equal to 65535`,
		`5 error 3 [DEFAULT] mode: invalid value "medium": valid values are [fast, slow, ], but found 'medium'`,
		`6 error 3 [DEFAULT] my_ip: invalid value "300.1.1.1": 300.1.1.1 is not IPv4 or IPv6 address`,
		`7 error 3 [DEFAULT] debug: invalid value "maybe": unexpected boolean value 'maybe'`,
		`8 error 3 [DEFAULT] weights: invalid value "x:y": invalid literal for int() with base 10: 'y'`,
		`9 error 3 [DEFAULT] server: cannot substitute $nosuch: no such option nosuch in group [DEFAULT]`,
		`10 error 3 [DEFAULT] ratio: invalid value "2.5": should be less than or equal to 1.5`,
		`12 error 3 [DEFAULT] fqdn: invalid value "-bad-": -bad- is an invalid hostname`,
		`15 error 3 [database] max_pool_size: invalid value "-1": should be greater than or equal to 0`,
	}
	defaultsWant := []string{
		`2 warning 5 [DEFAULT] debug: sample value is empty but the file has true`,
		`5 warning 5 [DEFAULT] mapping: sample value ["{'a': '1', 'b': '2'}"] is not in ['a:1']`,
		`6 warning 5 [DEFAULT] empty_list: sample value is empty but the file has foo`,
		`8 warning 5 [DEFAULT] required_thing: sample value is empty but the file has here`,
		`0 info 5 [api] : group from the sample config is not defined in the file`,
		`0 info 5 [database] : group from the sample config is not defined in the file`,
		`0 info 5 [upper] : group from the sample config is not defined in the file`,
	}
	tests := []struct {
		name   string
		file   string
		vo     config.ValidateOptions
		want   []string
		failed bool // with fatal warnings: the same unless noted
		fatal  bool
	}{
		{"good", "good.conf", config.ValidateOptions{}, nil, false, false},
		{"unknown", "unknown.conf", config.ValidateOptions{}, unknownWant, true, true},
		{"excluded groups", "unknown.conf", config.ValidateOptions{ExcludeGroups: []string{"no_such_group", "DEFAULT", "database"}},
			[]string{
				"11 info 1 [keystone_authtoken] auth_url: " + ignored,
				"14 warning 2 [sql] connection: deprecated option: use [database] connection",
			}, false, true},
		{"values", "values.conf", config.ValidateOptions{}, valuesWant, true, true},
		{"required", "missing.conf", config.ValidateOptions{},
			[]string{"0 warning 4 [DEFAULT] required_thing: required option is not set"}, false, true},
		{"check defaults", "defaults.conf", config.ValidateOptions{CheckDefaults: true}, defaultsWant, false, true},
		{"check defaults, no exclusions", "defaults.conf", config.ValidateOptions{CheckDefaults: true, ExcludeOptions: []string{}},
			append([]string{`4 warning 5 [DEFAULT] host: sample value ['localhost'] is not in ['elsewhere']`}, defaultsWant...), false, true},
	}
	od := nsOptData(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := validateFile(tc.file)
			v, err := config.Validate(file, od, tc.vo)
			if err != nil {
				t.Fatal(err)
			}
			got := summary(v)
			sortProblems(got)
			sortProblems(tc.want)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
			if v.Failed(false) != tc.failed || v.Failed(true) != tc.fatal {
				t.Errorf("Failed(false), Failed(true) = %v, %v; want %v, %v", v.Failed(false), v.Failed(true), tc.failed, tc.fatal)
			}
			for _, p := range v.Problems {
				if s := p.String(); !strings.HasPrefix(s, file) {
					t.Errorf("problem %q does not start with the file name", s)
				}
			}
		})
	}
}

func sortProblems(s []string) {
	sort.SliceStable(s, func(i, j int) bool { return s[i] < s[j] })
}

func TestValidateFromOptData(t *testing.T) {
	for _, format := range []config.SampleFormat{config.SampleJSON, config.SampleYAML} {
		t.Run(string(format), func(t *testing.T) {
			od := gosloOptData(t, format)
			v, err := config.Validate(validateFile("values.conf"), od, config.ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(summary(v), "\n")
			// The data names types, so values are checked; a dict's value
			// type is not in the data, so weights = x:y passes.
			for _, want := range []string{"[DEFAULT] workers: invalid value", "[DEFAULT] ratio: invalid value \"2.5\": should be less than or equal to 1.5",
				"[DEFAULT] mode: invalid value", "[database] max_pool_size: invalid value \"-1\""} {
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in:\n%s", want, got)
				}
			}
			if strings.Contains(got, "weights") {
				t.Errorf("weights checked without its value type:\n%s", got)
			}
			v, err = config.Validate(validateFile("unknown.conf"), od, config.ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(len(v.Problems), 7); d != "" {
				t.Errorf("unknown.conf: %d problems:\n%s", len(v.Problems), strings.Join(summary(v), "\n"))
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	od := nsOptData(t)
	_, err := config.Validate(validateFile("broken.conf"), od, config.ValidateOptions{})
	var pe *config.ParseError
	if !asParseError(err, &pe) || pe.Line != 3 || !strings.Contains(err.Error(), "broken.conf:3") {
		t.Errorf("broken file: err = %v, want a ParseError at line 3", err)
	}
	if _, err := config.Validate(validateFile("nonexistent.conf"), od, config.ValidateOptions{}); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := config.ParseOptData("x.json", []byte("[1, 2]")); err == nil {
		t.Error("opt data that is a list: no error")
	}
	if _, err := config.ParseOptData("x.yaml", []byte("a: [")); err == nil || !strings.Contains(err.Error(), "x.yaml") {
		t.Errorf("bad yaml: err = %v", err)
	}
	if _, err := config.Validate(validateFile("good.conf"), od, config.ValidateOptions{CheckDefaults: true, ExcludeOptions: []string{"("}}); err == nil {
		t.Error("bad exclusion pattern: no error")
	}
}

func asParseError(err error, pe **config.ParseError) bool {
	p, ok := err.(*config.ParseError)
	*pe = p
	return ok
}

var osloLogLine = regexp.MustCompile(`^(ERROR|WARNING|INFO):root:(?:` +
	`(\S+)/(\S+) is not part of the sample config` +
	`|Deprecated opt (\S+)/(\S+) found` +
	`|(\S+)/(\S+) sample value .*` +
	`|Ignoring missing option "(.*)" from group "(.*)" .*)$`)

// osloFindings reads oslo-config-validator's log lines.
func osloFindings(out string) []string {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		m := osloLogLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		sev := strings.ToLower(m[1])
		switch {
		case m[2] != "":
			found = append(found, fmt.Sprintf("%s unknown %s/%s", sev, m[2], m[3]))
		case m[4] != "":
			found = append(found, fmt.Sprintf("%s deprecated %s/%s", sev, m[4], m[5]))
		case m[6] != "":
			found = append(found, fmt.Sprintf("%s default %s/%s", sev, m[6], m[7]))
		default:
			found = append(found, fmt.Sprintf("%s unknown %s/%s", sev, m[9], m[8]))
		}
	}
	sort.Strings(found)
	return found
}

// TestValidateMatchesOslo runs oslo-config-validator on the same files
// with the same options (from the namespaces, and from opt data that
// oslo's generator wrote) and compares what both report of the kinds oslo
// checks, and the exit status.
func TestValidateMatchesOslo(t *testing.T) {
	needOslo(t)
	dir := t.TempDir()
	osloData := map[string]string{}
	for _, format := range []string{"json", "yaml"} {
		out, code := osloScript(t, "generate", "--namespace", "goslo.test", "--namespace", "goslo.extra", "--format", format)
		if code != 0 {
			t.Fatalf("oslo generator: %s", out)
		}
		path := filepath.Join(dir, "oslo."+format)
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		osloData[format] = path
	}
	nsData := nsOptData(t)
	kinds := map[config.ProblemKind]string{config.KindUnknown: "unknown", config.KindDeprecated: "deprecated", config.KindDefault: "default"}
	cases := []struct {
		file  string
		flags []string
		vo    config.ValidateOptions
	}{
		{"good.conf", nil, config.ValidateOptions{}},
		{"unknown.conf", nil, config.ValidateOptions{}},
		{"unknown.conf", []string{"--exclude-group", "no_such_group", "--exclude-group", "DEFAULT"}, config.ValidateOptions{ExcludeGroups: []string{"no_such_group", "DEFAULT"}}},
		{"defaults.conf", []string{"--check-defaults"}, config.ValidateOptions{CheckDefaults: true}},
		{"defaults.conf", []string{"--check-defaults", "--fatal-warnings"}, config.ValidateOptions{CheckDefaults: true}},
		{"defaults.conf", []string{"--check-defaults", "--exclude-options", "debug,mapping"}, config.ValidateOptions{CheckDefaults: true, ExcludeOptions: []string{"debug", "mapping"}}},
		{"good.conf", []string{"--fatal-warnings"}, config.ValidateOptions{}},
	}
	sources := []struct {
		name  string
		flags []string
		od    func() *config.OptData
	}{
		{"namespaces", []string{"--namespace", "goslo.test", "--namespace", "goslo.extra"}, func() *config.OptData { return nsData }},
		{"oslo-yaml", []string{"--opt-data", osloData["yaml"]}, func() *config.OptData {
			od, err := config.ReadOptData(osloData["yaml"])
			if err != nil {
				t.Fatal(err)
			}
			return od
		}},
		{"oslo-json", []string{"--opt-data", osloData["json"]}, func() *config.OptData {
			od, err := config.ReadOptData(osloData["json"])
			if err != nil {
				t.Fatal(err)
			}
			return od
		}},
	}
	for _, src := range sources {
		for _, tc := range cases {
			t.Run(src.name+"/"+tc.file+strings.Join(tc.flags, ""), func(t *testing.T) {
				file, err := filepath.Abs(validateFile(tc.file))
				if err != nil {
					t.Fatal(err)
				}
				args := append(append([]string{"validate", "--input-file", file}, src.flags...), tc.flags...)
				out, code := osloScript(t, args...)
				want := osloFindings(out)
				v, err := config.Validate(file, src.od(), tc.vo)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				oslo := &config.Validation{}
				for _, p := range v.Problems {
					k, ok := kinds[p.Kind]
					if !ok || p.Option == "" {
						continue
					}
					oslo.Problems = append(oslo.Problems, p)
					got = append(got, fmt.Sprintf("%s %s %s/%s", p.Severity, k, p.Group, p.Option))
				}
				sort.Strings(got)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("findings (-oslo +goslo):\n%s\noslo said:\n%s", d, out)
				}
				fatal := strings.Contains(strings.Join(tc.flags, " "), "--fatal-warnings")
				if gotCode := map[bool]int{false: 0, true: 1}[oslo.Failed(fatal)]; gotCode != code {
					t.Errorf("exit status %d, oslo's %d", gotCode, code)
				}
			})
		}
	}
}

func TestWriteProblems(t *testing.T) {
	v, err := config.Validate(validateFile("values.conf"), nsOptData(t), config.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := config.WriteProblems(&b, v); err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(b.String(), "\n", 2)[0]
	want := validateFile("values.conf") + `:3: error: [DEFAULT] workers: invalid value "many": invalid literal for int() with base 10: 'many'`
	if first != want {
		t.Errorf("first line %q, want %q", first, want)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// corpus is the project's copy of the shared conformance dev set.
const corpus = "../../testdata/conformance"

// answer runs the command in dir (the case's folder, as compare.py does)
// and returns its stdout.
func answer(t *testing.T, dir string, args []string, stdin []byte) []byte {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	}()
	var out bytes.Buffer
	if err := run(args, bytes.NewReader(stdin), &out); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return out.Bytes()
}

func TestConfigRaw(t *testing.T) {
	dir := filepath.Join(corpus, "config_raw")
	wants, err := filepath.Glob(filepath.Join(dir, "*.expected.json"))
	if err != nil || len(wants) == 0 {
		t.Fatalf("no cases in %s: %v", dir, err)
	}
	for _, want := range wants {
		name := strings.TrimSuffix(filepath.Base(want), ".expected.json")
		t.Run(name, func(t *testing.T) {
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			got := answer(t, dir, []string{"config-raw", name}, nil)
			if d := match(got, exp); d != "" {
				t.Errorf("%s\n got: %s", d, got)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		got, want string
		ok        bool
	}{
		{`{"a":[1,"x",true]}`, `{"a":[1,"x",true]}`, true},
		{`{"a":1000}`, `{"a":1000.0}`, true},
		{`{"a":42.0}`, `{"a":42}`, false},
		{`{"a":1}`, `{"a":true}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`{"a":1,"b":2}`, `{"a":1}`, false},
		{`{"error":{"type":"X"}}`, `{"error":{"type":"Y","line":3}}`, true},
		{`{"values":{}}`, `{"error":{"type":"Y"}}`, false},
	}
	for _, tt := range tests {
		if d := match([]byte(tt.got), []byte(tt.want)); (d == "") != tt.ok {
			t.Errorf("match(%s, %s) = %q, want ok=%v", tt.got, tt.want, d, tt.ok)
		}
	}
}

func TestConfigTyped(t *testing.T) {
	dir := filepath.Join(corpus, "config_typed")
	cases, err := os.ReadDir(dir)
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in %s: %v", dir, err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			cdir := filepath.Join(dir, c.Name())
			var argv []string
			raw, err := os.ReadFile(filepath.Join(cdir, "args.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &argv); err != nil {
				t.Fatal(err)
			}
			exp, err := os.ReadFile(filepath.Join(cdir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := answer(t, cdir, append([]string{"config-typed", "schema.json"}, argv...), nil)
			if d := match(got, exp); d != "" {
				t.Errorf("%s\n got: %s\nwant: %s", d, got, exp)
			}
		})
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestObject runs every objects dev case through "object ARGS" and
// compares the answer with the recorded one by compare.py's rules.
func TestObject(t *testing.T) {
	dir := filepath.Join(corpus, "objects", "cases")
	argFiles, err := filepath.Glob(filepath.Join(dir, "*.args"))
	if err != nil || len(argFiles) == 0 {
		t.Fatalf("no cases in %s: %v", dir, err)
	}
	for _, af := range argFiles {
		name := strings.TrimSuffix(filepath.Base(af), ".args")
		t.Run(name, func(t *testing.T) {
			args, err := os.ReadFile(af)
			if err != nil {
				t.Fatal(err)
			}
			input, err := os.ReadFile(filepath.Join(dir, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			exp, err := os.ReadFile(filepath.Join(dir, name+".expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := answer(t, dir, append([]string{"object"}, strings.Fields(string(args))...), input)
			if d := match(got, exp); d != "" {
				t.Errorf("%s\n got: %s", d, got)
			}
		})
	}
}

// TestObjectErrors checks the answers the dev set does not show: the
// error document's shape, an empty target, and command misuse.
func TestObjectErrors(t *testing.T) {
	flavor := []byte(`{"versioned_object.name":"Flavor","versioned_object.namespace":"goslo",` +
		`"versioned_object.version":"1.1","versioned_object.data":{"id":1}}`)
	tests := []struct {
		name  string
		args  []string
		input []byte
		want  string // substring of the answer
	}{
		{"not json", []string{"object", "roundtrip"}, []byte(`{`), `"error"`},
		{"unknown version", []string{"object", "roundtrip"},
			[]byte(strings.Replace(string(flavor), `"1.1"`, `"1.2"`, 1)), `"IncompatibleObjectVersion"`},
		{"empty target", []string{"object", "backport", ""}, flavor, `"error"`},
		{"target too new", []string{"object", "backport", "1.2"}, flavor, `"InvalidTargetVersion"`},
		{"changes", []string{"object", "changes"}, flavor, `"changes": []`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := answer(t, ".", tt.args, tt.input)
			if !strings.Contains(string(got), tt.want) {
				t.Errorf("answer %s, want it to contain %s", got, tt.want)
			}
		})
	}
	for _, args := range [][]string{{"object"}, {"object", "backport"}, {"object", "roundtrip", "x"}, {"object", "dump"}} {
		if err := run(args, strings.NewReader(string(flavor)), &strings.Builder{}); err == nil {
			t.Errorf("%v: want a usage error", args)
		}
	}
}

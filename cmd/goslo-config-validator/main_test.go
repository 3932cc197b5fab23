package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the command itself when the test re-executes its own
// binary, so the tests exercise main as an operator runs it.
func TestMain(m *testing.M) {
	if os.Getenv("GOSLO_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GOSLO_TEST_RUN_MAIN=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

func TestCommand(t *testing.T) {
	dir := t.TempDir()
	conf := dir + "/x.conf"
	data := dir + "/opts.json"
	os.WriteFile(conf, []byte("[DEFAULT]\nworkers = many\nfoo = 1\n"), 0o644)
	os.WriteFile(data, []byte(`{"options": {"DEFAULT": {"opts": [{"name": "workers", "dest": "workers", "type": "integer value", "default": 1, "required": false, "deprecated_opts": [], "choices": [], "min": 1, "max": null}]}}, "deprecated_options": {}}`), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"--help"}, 0, ""},
		{"bad value", []string{"--opt-data", data, "--input-file", conf}, 1, conf + `:2: error: [DEFAULT] workers: invalid value "many"`},
		{"unknown option", []string{"--opt-data", data, "--input-file", conf}, 1, conf + ":3: error: [DEFAULT] foo: not part of the sample config"},
		{"no source", []string{"--input-file", conf}, 1, "neither --namespace nor --opt-data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
		})
	}
}

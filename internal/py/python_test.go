package py

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

const pythonPath = "/usr/bin/python3"

// runPython runs a Python program with req as JSON on stdin and decodes
// its JSON answer into resp. It skips the test when there is no Python.
func runPython(t testing.TB, program string, req, resp any) {
	t.Helper()
	if _, err := os.Stat(pythonPath); err != nil {
		t.Skipf("skipping the comparison with Python: %s is not there (%v)", pythonPath, err)
	}
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pythonPath, "-c", program)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", pythonPath, err, stderr.String())
	}
	if err := json.Unmarshal(out, resp); err != nil {
		t.Fatalf("decoding Python's answer: %v\n%s", err, out)
	}
}

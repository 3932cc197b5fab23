package log

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"sync"
	"testing"
)

const pythonPath = "/usr/bin/python3"

var (
	pyOnce sync.Once
	pyErr  error
)

// needPython skips the test unless /usr/bin/python3 can import oslo.log.
func needPython(t testing.TB) {
	t.Helper()
	pyOnce.Do(func() {
		pyErr = exec.Command(pythonPath, "-c", "import oslo_log, oslo_context, oslo_utils, oslo_config").Run()
	})
	if pyErr != nil {
		t.Skipf("skipping comparison with oslo.log: %s cannot import oslo_log/oslo_context/oslo_utils (%v); install python3-oslo.log", pythonPath, pyErr)
	}
}

// runPython runs a script of testdata with req as JSON on stdin and
// decodes its JSON answer into resp.
func runPython(t testing.TB, script string, req, resp any) {
	t.Helper()
	needPython(t)
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pythonPath, script)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	if err := json.Unmarshal(out, resp); err != nil {
		t.Fatalf("%s: bad answer: %v\n%s", script, err, out)
	}
}

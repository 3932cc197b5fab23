package wsgi

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// python runs script with /usr/bin/python3, in as JSON on stdin, and
// decodes its JSON output into out. It skips the test when Python or the
// modules it imports are missing.
func python(t testing.TB, script string, in, out any) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3: the oracle is not available")
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		if bytes.Contains(stderr.Bytes(), []byte("ModuleNotFoundError")) {
			t.Skipf("python oracle not importable: %s", stderr.String())
		}
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("python output: %v\n%s", err, res)
	}
}

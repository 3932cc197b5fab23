package objects_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goslo/goslo/objects"
	"github.com/goslo/goslo/objects/objectstest"
)

// The Python reference: oslo.versionedobjects run by the conformance
// oracle on the classes of testobjects.py.
const (
	python    = "/usr/bin/python3"
	oracleDir = "../testdata/conformance/objects"
)

// oracle is a running testdata/batch_oracle.py: one request, one answer.
type oracle struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// startOracle starts the Python oracle, or skips the test when the real
// library is not importable.
func startOracle(t *testing.T) *oracle {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping the Python oracle in -short mode")
	}
	probe := exec.Command(python, "-c", "import oslo_versionedobjects, netaddr, iso8601")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("skipping: %s cannot import oslo.versionedobjects (%v: %s); install python3-oslo.versionedobjects", python, err, bytes.TrimSpace(out))
	}
	if _, err := os.Stat(filepath.Join(oracleDir, "oracle.py")); err != nil {
		t.Fatalf("oracle.py missing: %v", err)
	}
	cmd := exec.Command(python, filepath.Join("testdata", "batch_oracle.py"), oracleDir, "testdata")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := &oracle{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}
	t.Cleanup(func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("oracle exited: %v", err)
		}
	})
	return o
}

// ask returns Python's answer for args ("roundtrip", "backport V",
// "changes") on the primitive text, and false when the answer holds
// NaN/Infinity (outside the conformance set).
func (o *oracle) ask(t *testing.T, args []string, input []byte) ([]byte, bool) {
	t.Helper()
	req, err := json.Marshal(map[string]any{"args": args, "input": string(input)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.in.Write(append(req, '\n')); err != nil {
		t.Fatalf("write to oracle: %v", err)
	}
	line, err := o.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("read from oracle: %v", err)
	}
	if bytes.Contains(line, []byte(`"unserializable": true`)) {
		return nil, false
	}
	return line, true
}

// goAnswer is what goslo-conformance prints for the same request.
func goAnswer(reg *objects.Registry, args []string, input []byte) []byte {
	obj, err := reg.FromJSON(input)
	if err != nil {
		return errorJSON(err)
	}
	var out []byte
	switch args[0] {
	case "changes":
		ch := obj.Changed()
		sort.Strings(ch)
		out, err = json.Marshal(map[string]any{"changes": append([]string{}, ch...)})
	case "roundtrip":
		out, err = obj.ToJSON("")
	case "backport":
		if args[1] == "" { // "" means the object's own version in Go
			return errorJSON(errors.New("empty target"))
		}
		out, err = obj.ToJSON(args[1])
	}
	if err != nil {
		return errorJSON(err)
	}
	return out
}

func errorJSON(err error) []byte {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"message": err.Error()}})
	return b
}

// compareAnswers applies conformance/objects/compare.py's rules to a Go
// answer and the expected (Python) one; it returns "" when they match.
func compareAnswers(got, want []byte) string {
	g, err := decodeNumbers(got)
	if err != nil {
		return fmt.Sprintf("output is not JSON: %v: %s", err, got)
	}
	w, err := decodeNumbers(want)
	if err != nil {
		return fmt.Sprintf("expected answer is not JSON: %v", err)
	}
	gErr, wErr := isErrorAnswer(g), isErrorAnswer(w)
	switch {
	case gErr && wErr:
		return ""
	case wErr:
		return "expected an error, got a value"
	case gErr:
		return "unexpected error " + string(got)
	}
	return diffValues("$", w, g)
}

func decodeNumbers(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func isErrorAnswer(v any) bool {
	m, ok := v.(map[string]any)
	_, has := m["error"]
	return ok && len(m) == 1 && has
}

func diffValues(path string, exp, act any) string {
	switch e := exp.(type) {
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: expected object, got %v", path, act)
		}
		for _, k := range sortedKeys(e, a) {
			ev, eok := e[k]
			av, aok := a[k]
			if eok != aok {
				return fmt.Sprintf("%s: key %q present in expected=%v, got=%v", path, k, eok, aok)
			}
			if d := diffValues(path+"."+k, ev, av); d != "" {
				return d
			}
		}
		return ""
	case []any:
		a, ok := act.([]any)
		if !ok || len(a) != len(e) {
			return fmt.Sprintf("%s: expected %v, got %v", path, exp, act)
		}
		for i := range e {
			if d := diffValues(fmt.Sprintf("%s[%d]", path, i), e[i], a[i]); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		a, ok := act.(json.Number)
		if !ok {
			return fmt.Sprintf("%s: expected number %s, got %v", path, e, act)
		}
		if !strings.ContainsAny(string(e), ".eE") {
			x, ok1 := new(big.Int).SetString(string(e), 10)
			y, ok2 := new(big.Int).SetString(string(a), 10)
			if !ok1 || !ok2 || x.Cmp(y) != 0 {
				return fmt.Sprintf("%s: expected integer %s, got %s", path, e, a)
			}
			return ""
		}
		x, _, err1 := big.ParseFloat(string(e), 10, 200, big.ToNearestEven)
		y, _, err2 := big.ParseFloat(string(a), 10, 200, big.ToNearestEven)
		if err1 != nil || err2 != nil || x.Cmp(y) != 0 {
			return fmt.Sprintf("%s: expected number %s, got %s", path, e, a)
		}
		return ""
	default:
		if exp != act {
			return fmt.Sprintf("%s: expected %#v, got %#v", path, exp, act)
		}
		return ""
	}
}

func sortedKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// TestOracleDevCases checks the harness itself: the oracle must give the
// recorded answers of the dev cases, and so must goslo.
func TestOracleDevCases(t *testing.T) {
	o := startOracle(t)
	reg := objectstest.NewRegistry()
	cases, err := filepath.Glob(filepath.Join(oracleDir, "cases", "*.args"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no dev cases: %v", err)
	}
	for _, c := range cases {
		name := strings.TrimSuffix(c, ".args")
		args := mustRead(t, c)
		input := mustRead(t, name+".json")
		want := mustRead(t, name+".expected.json")
		py, ok := o.ask(t, strings.Fields(string(args)), input)
		if !ok {
			t.Fatalf("%s: oracle answer not JSON", name)
		}
		if d := compareAnswers(py, want); d != "" {
			t.Errorf("%s: oracle disagrees with the recorded answer: %s", filepath.Base(name), d)
		}
		if d := compareAnswers(goAnswer(reg, strings.Fields(string(args)), input), want); d != "" {
			t.Errorf("%s: %s", filepath.Base(name), d)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package paste

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goslo/goslo/internal/ini"
)

// The differential tests compare Inspect with the real PasteDeploy, run
// through the project's oracle (testdata/oracle/paste_tree.py) with
// testdata/oracle_batch.py, which answers many cases in one process.

const python = "/usr/bin/python3"

var (
	oracleOnce sync.Once
	oracleErr  error
)

// needOracle skips the test when PasteDeploy cannot be imported.
func needOracle(t testing.TB) {
	t.Helper()
	oracleOnce.Do(func() {
		out, err := exec.Command(python, "-c", "import paste.deploy.loadwsgi").CombinedOutput()
		if err != nil {
			oracleErr = fmt.Errorf("%s cannot import paste.deploy (python3-pastedeploy): %v: %s", python, err, bytes.TrimSpace(out))
		}
	})
	if oracleErr != nil {
		t.Skip("differential test skipped: ", oracleErr)
	}
}

type oracleCase struct {
	file, name string
}

// askOracle returns PasteDeploy's answer for every case, in order.
func askOracle(t testing.TB, cases []oracleCase) []map[string]any {
	t.Helper()
	needOracle(t)
	var in bytes.Buffer
	for _, c := range cases {
		fmt.Fprintf(&in, "%s\t%s\n", c.file, c.name)
	}
	cmd := exec.Command(python, "-X", "utf8", "testdata/oracle_batch.py", "../testdata/oracle")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var answers []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a map[string]any
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("oracle answer %d: %v", len(answers), err)
		}
		answers = append(answers, a)
	}
	if len(answers) != len(cases) {
		t.Fatalf("oracle gave %d answers for %d cases\n%s", len(answers), len(cases), stderr.String())
	}
	return answers
}

// inspectJSON is Inspect's answer in the oracle's format.
func inspectJSON(file, name string) (map[string]any, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	n, err := Inspect(abs, name)
	if err != nil {
		return map[string]any{"error": map[string]any{"message": err.Error()}}, err
	}
	here := filepath.Dir(abs)
	var b []byte
	b, err = json.Marshal(map[string]any{"tree": nodeJSON(n, here)})
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

func nodeJSON(n *Node, here string) any {
	if n == nil {
		return nil
	}
	r := strings.NewReplacer(here, "<HERE>")
	norm := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[r.Replace(k)] = r.Replace(v)
		}
		return out
	}
	out := map[string]any{"kind": n.Kind, "use": r.Replace(n.Use), "global_conf": norm(n.Global), "local_conf": norm(n.Local)}
	switch n.Kind {
	case "filter":
		out["app"] = nodeJSON(n.App, here)
	case "composite":
		apps := map[string]any{}
		for k, a := range n.Apps {
			apps[r.Replace(k)] = nodeJSON(a, here)
		}
		out["apps"] = apps
	}
	return out
}

// compareWithOracle checks Inspect against the oracle for every case; it
// logs how many are trees, errors, and cases the oracle cannot print.
func compareWithOracle(t *testing.T, cases []oracleCase, label func(int) string) {
	t.Helper()
	answers := askOracle(t, cases)
	skipped, errs := 0, 0
	defer func() {
		t.Logf("%d cases: %d trees, %d errors, %d the oracle cannot print", len(cases), len(cases)-errs-skipped, errs, skipped)
	}()
	for i, c := range cases {
		want := answers[i]
		if _, crash := want["crash"]; crash {
			skipped++ // the oracle itself cannot print this tree
			continue
		}
		got, err := inspectJSON(c.file, c.name)
		if _, wantErr := want["error"]; wantErr {
			errs++
			if err == nil {
				t.Errorf("%s: PasteDeploy fails (%v), goslo loads it:\n%s", label(i), want["error"], show(got))
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: goslo fails, PasteDeploy loads it:\n  goslo: %v\n  paste: %s", label(i), err, show(want))
			continue
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: tree differs (-paste +goslo):\n%s", label(i), d)
		}
	}
}

func show(v any) string {
	b, _ := json.MarshalIndent(v, "  ", " ")
	return "  " + string(b)
}

// TestOracleCases runs the hand-written edge cases of testdata/diff (one
// folder each: main.ini, name, and the files main.ini includes).
func TestOracleCases(t *testing.T) {
	needOracle(t)
	dirs, err := filepath.Glob("testdata/diff/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases in testdata/diff: %v", err)
	}
	var cases []oracleCase
	for _, d := range dirs {
		name, err := os.ReadFile(filepath.Join(d, "name"))
		if err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(filepath.Join(d, "main.ini"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, oracleCase{abs, strings.TrimSpace(string(name))})
	}
	compareWithOracle(t, cases, func(i int) string { return filepath.Base(dirs[i]) })
}

// TestOracleRealFiles loads every application section (app, composite,
// pipeline, filter-app) of real OpenStack paste files from Debian bookworm
// packages (testdata/real, named PACKAGE__FILE) and compares each with
// PasteDeploy.
func TestOracleRealFiles(t *testing.T) {
	needOracle(t)
	files, err := filepath.Glob("testdata/real/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in testdata/real: %v", err)
	}
	var cases []oracleCase
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		p := ini.NewConfigParser(abs)
		data, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Read(data); err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Sections() {
			prefix, name, ok := strings.Cut(s, ":")
			if ok && prefix != "filter" && prefix != "server" {
				cases = append(cases, oracleCase{abs, strings.TrimSpace(name)})
			}
		}
	}
	compareWithOracle(t, cases, func(i int) string {
		return fmt.Sprintf("%s %q", filepath.Base(cases[i].file), cases[i].name)
	})
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasteTree runs every paste case of the dev set (C.name, C.ini,
// C.expected.json) as compare.py does: in the case's folder.
func TestPasteTree(t *testing.T) {
	dir := filepath.Join(corpus, "paste")
	names, err := filepath.Glob(filepath.Join(dir, "*.name"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no cases in %s: %v", dir, err)
	}
	for _, nf := range names {
		c := strings.TrimSuffix(filepath.Base(nf), ".name")
		t.Run(c, func(t *testing.T) {
			name, err := os.ReadFile(nf)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := os.ReadFile(filepath.Join(dir, c+".expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := answer(t, dir, []string{"paste-tree", c + ".ini", strings.TrimSpace(string(name))}, nil)
			if d := match(got, exp); d != "" {
				t.Errorf("%s\n got: %s", d, got)
			}
		})
	}
}

// TestPasteTreeUsage checks the command's own errors (not answers).
func TestPasteTreeUsage(t *testing.T) {
	if _, err := pasteTree([]string{"only-one"}, nil); err == nil {
		t.Error("paste-tree with one argument: no error")
	}
}

// TestPasteTreeError checks that a load error is an {"error": ...} answer
// naming a Python class, with the case directory written <HERE>.
func TestPasteTreeError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.ini"), []byte("[app:main]\nkey = %(nope)s\nuse = egg:a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := pasteTree([]string{filepath.Join(dir, "x.ini"), "main"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := doc.(map[string]any)["error"].(map[string]any)
	if !ok {
		t.Fatalf("got %v, want an error answer", doc)
	}
	if e["type"] != "InterpolationMissingOptionError" {
		t.Errorf("type = %v, want InterpolationMissingOptionError", e["type"])
	}
	msg, _ := e["message"].(string)
	if strings.Contains(msg, dir) || !strings.Contains(msg, "<HERE>/x.ini") {
		t.Errorf("message %q: want the directory written <HERE>", msg)
	}
}
